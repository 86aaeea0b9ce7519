-- audit_canonical() formats a timestamptz with to_char, which is STABLE, not IMMUTABLE: declare it honestly so the
-- planner never caches or pre-evaluates it as a constant.
ALTER FUNCTION audit_canonical(uuid, bigint, uuid, timestamptz, text, text, text, jsonb) STABLE;
