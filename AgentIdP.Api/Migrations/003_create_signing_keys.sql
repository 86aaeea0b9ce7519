-- Token signing keys. The private key is protected with ASP.NET Core Data Protection before it is stored.
-- A retired key stays in the JWKS until publish_until (its last token's expiry).
CREATE TABLE signing_keys (
    kid            text PRIMARY KEY,
    alg            text NOT NULL,
    public_jwk     jsonb NOT NULL,
    private_key    text NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now(),
    retired_at     timestamptz NULL,
    publish_until  timestamptz NULL
);
-- At most one active key, so replicas that start together cannot each create one.
CREATE UNIQUE INDEX signing_keys_one_active ON signing_keys ((true)) WHERE retired_at IS NULL;

-- The Data Protection key ring every replica shares.
CREATE TABLE data_protection_keys (
    friendly_name text PRIMARY KEY,
    xml           text NOT NULL,
    created_at    timestamptz NOT NULL DEFAULT now()
);
