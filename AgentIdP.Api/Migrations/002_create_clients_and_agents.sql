-- OAuth clients: every tenant admin and every agent authenticates as one.
CREATE TABLE clients (
    client_id   text PRIMARY KEY,
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    kind        text NOT NULL CHECK (kind IN ('tenant_admin', 'agent')),
    scopes      text[] NOT NULL,
    -- Public keys (a JWK Set) for private_key_jwt client authentication; never private parts.
    jwks        jsonb NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX clients_tenant ON clients (tenant_id);

-- Secrets are stored only as keyed hashes. A rotated-out secret keeps working until expires_at (grace period).
CREATE TABLE client_secrets (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    client_id   text NOT NULL REFERENCES clients (client_id) ON DELETE CASCADE,
    secret_hash bytea NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    expires_at  timestamptz NULL
);
CREATE INDEX client_secrets_client ON client_secrets (client_id);

CREATE TABLE agents (
    id          uuid PRIMARY KEY,
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    client_id   text NOT NULL UNIQUE REFERENCES clients (client_id) ON DELETE CASCADE,
    name        text NOT NULL CHECK (length(name) BETWEEN 1 AND 200),
    description text NOT NULL DEFAULT '',
    status      text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'disabled')),
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now()
);
-- Paged lists per tenant, newest first.
CREATE INDEX agents_tenant_created ON agents (tenant_id, created_at DESC, id);
