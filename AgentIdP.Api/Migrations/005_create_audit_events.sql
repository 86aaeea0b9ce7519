-- The audit ledger: append-only, one hash chain per tenant.
-- hash = SHA-256(prev_hash || audit_canonical(event)); the first event of a tenant chains from 32 zero bytes.
CREATE TABLE audit_events (
    tenant_id   uuid NOT NULL REFERENCES tenants (id) ON DELETE CASCADE,
    seq         bigint NOT NULL,
    id          uuid NOT NULL UNIQUE,
    occurred_at timestamptz NOT NULL DEFAULT now(),
    actor       text NOT NULL,
    action      text NOT NULL,
    target      text NOT NULL,
    data        jsonb NOT NULL DEFAULT '{}'::jsonb,
    prev_hash   bytea NOT NULL,
    hash        bytea NOT NULL,
    PRIMARY KEY (tenant_id, seq)
);

-- The exact text that is hashed. Used when appending (trigger below) and when verifying, so both agree.
CREATE FUNCTION audit_canonical(tenant_id uuid, seq bigint, id uuid, occurred_at timestamptz,
                                actor text, action text, target text, data jsonb) RETURNS text
LANGUAGE sql IMMUTABLE AS $$
    SELECT concat_ws(E'\n', tenant_id::text, seq::text, id::text,
                     to_char(occurred_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"'),
                     actor, action, target, data::text)
$$;

-- Appending serializes per tenant (transaction-scoped advisory lock), numbers the event and chains its hash,
-- inside the caller's transaction: the event commits or rolls back with the state change it records.
CREATE FUNCTION audit_events_chain() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    head audit_events%ROWTYPE;
BEGIN
    PERFORM pg_advisory_xact_lock(hashtextextended('audit:' || NEW.tenant_id::text, 0));
    SELECT * INTO head FROM audit_events WHERE tenant_id = NEW.tenant_id ORDER BY seq DESC LIMIT 1;
    NEW.seq := COALESCE(head.seq, 0) + 1;
    NEW.prev_hash := COALESCE(head.hash, '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea);
    NEW.occurred_at := date_trunc('microseconds', COALESCE(NEW.occurred_at, now()));
    NEW.hash := sha256(NEW.prev_hash || convert_to(
        audit_canonical(NEW.tenant_id, NEW.seq, NEW.id, NEW.occurred_at, NEW.actor, NEW.action, NEW.target, NEW.data), 'UTF8'));
    RETURN NEW;
END
$$;

CREATE TRIGGER audit_events_chain BEFORE INSERT ON audit_events
    FOR EACH ROW EXECUTE FUNCTION audit_events_chain();
