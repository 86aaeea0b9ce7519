-- Emergency revocation of a signing key: a revoked key leaves the JWKS and verifies nothing, on every replica and
-- after restarts. Its protected private key is wiped when it is revoked.
ALTER TABLE signing_keys ADD COLUMN revoked_at timestamptz NULL;

-- The platform's own audit ledger (signing keys belong to no tenant): append-only, one hash chain, hashed like a
-- tenant's chain (hash = SHA-256(prev_hash || canonical event)), the first event chaining from 32 zero bytes.
CREATE TABLE platform_audit_events (
    seq         bigint PRIMARY KEY,
    id          uuid NOT NULL UNIQUE,
    occurred_at timestamptz NOT NULL DEFAULT now(),
    actor       text NOT NULL,
    action      text NOT NULL,
    target      text NOT NULL,
    data        jsonb NOT NULL DEFAULT '{}'::jsonb,
    prev_hash   bytea NOT NULL,
    hash        bytea NOT NULL
);

CREATE FUNCTION platform_audit_canonical(seq bigint, id uuid, occurred_at timestamptz,
                                         actor text, action text, target text, data jsonb) RETURNS text
LANGUAGE sql STABLE AS $$
    SELECT concat_ws(E'\n', 'platform', seq::text, id::text,
                     to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                     actor, action, target, data::text)
$$;

CREATE FUNCTION platform_audit_events_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    head platform_audit_events%ROWTYPE;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('audit:platform', 0));
    SELECT * INTO head FROM platform_audit_events ORDER BY seq DESC LIMIT 1;
    NEW.seq := COALESCE(head.seq, 0) + 1;
    NEW.prev_hash := COALESCE(head.hash, '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea);
    NEW.occurred_at := date_trunc('microseconds', COALESCE(NEW.occurred_at, now()));
    NEW.hash := sha256(NEW.prev_hash || convert_to(
        platform_audit_canonical(NEW.seq, NEW.id, NEW.occurred_at, NEW.actor, NEW.action, NEW.target, NEW.data), 'UTF8'));
    RETURN NEW;
END
$$;

CREATE TRIGGER platform_audit_events_chain BEFORE INSERT ON platform_audit_events
    FOR EACH ROW EXECUTE FUNCTION platform_audit_events_chain();

-- Append-only: the ledger is evidence.
CREATE FUNCTION platform_audit_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION 'platform_audit_events is append-only';
END
$$;

CREATE TRIGGER platform_audit_events_append_only BEFORE UPDATE OR DELETE ON platform_audit_events
    FOR EACH ROW EXECUTE FUNCTION platform_audit_events_append_only();
