-- "Every token issued before this moment is dead", per client (an agent disabled, deleted or its secret rotated with
-- revocation) and per tenant (suspended, deleted). Checked against a token's iat in memory on every replica
-- (OAuth/RevocationList.cs), so validation reads no table. A row outlives its client or tenant, so no foreign keys;
-- it is kept until every token it can end has expired (keep_until), and pruned after that.
CREATE TABLE token_watermarks (
    kind                text NOT NULL CHECK (kind IN ('client', 'tenant')),
    id                  text NOT NULL,
    -- Tokens with iat before this are dead now.
    not_before          timestamptz NULL,
    -- Tokens with iat before pending_not_before die at pending_from: a rotated secret's grace period ending.
    pending_not_before  timestamptz NULL,
    pending_from        timestamptz NULL,
    -- A suspended tenant's tokens are all dead, and its clients cannot authenticate, until it is resumed.
    suspended           boolean NOT NULL DEFAULT false,
    keep_until          timestamptz NOT NULL,
    changed_at          timestamptz NOT NULL,
    PRIMARY KEY (kind, id)
);
CREATE INDEX token_watermarks_changed_at ON token_watermarks (changed_at);
CREATE INDEX token_watermarks_keep_until ON token_watermarks (keep_until);

ALTER TABLE tenants ADD COLUMN suspended_at timestamptz NULL;
