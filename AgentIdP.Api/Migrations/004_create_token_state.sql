-- Revoked access tokens (RFC 7009), kept until the token would have expired anyway. Postgres is the source of
-- truth, so a revocation survives a Redis restart; replicas keep an in-memory copy.
CREATE TABLE revoked_tokens (
    jti         text PRIMARY KEY,
    tenant_id   uuid NULL,
    revoked_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NOT NULL
);
CREATE INDEX revoked_tokens_revoked_at ON revoked_tokens (revoked_at);
CREATE INDEX revoked_tokens_expires_at ON revoked_tokens (expires_at);

-- private_key_jwt assertions already used (RFC 7523 §3: a jti must not be replayed).
CREATE TABLE used_client_assertions (
    jti         text NOT NULL,
    client_id   text NOT NULL,
    expires_at  timestamptz NOT NULL,
    PRIMARY KEY (client_id, jti)
);
CREATE INDEX used_client_assertions_expires_at ON used_client_assertions (expires_at);
