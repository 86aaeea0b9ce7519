-- Analytics: daily rollups, one row per (tenant, agent or tenant level, UTC day, metric) with a count that flushes
-- add to. Replicas aggregate increments in memory and upsert them in batches (AnalyticsFlusher); nothing here is
-- written per request.
--
-- agent_id is NULL for tenant-level counts (a tenant admin's tokens, calls without an agent). The unique key treats
-- NULLs as equal (Postgres 15 NULLS NOT DISTINCT), so ON CONFLICT finds the tenant-level row like any other; a sentinel
-- uuid would work too, but NULL cannot be mistaken for a real agent and needs no magic constant in the queries.
--
-- No foreign keys on purpose: an agent (or tenant) deleted between an increment and its flush must not make the whole
-- batch fail and retry forever. A deleted agent's history stays with its tenant until retention removes it.
CREATE TABLE analytics_events (
    tenant_id  uuid        NOT NULL,
    agent_id   uuid        NULL,
    day        date        NOT NULL,
    metric     text        NOT NULL CHECK (metric IN ('token_issued', 'token_denied', 'api_call', 'rate_limited', 'quota_exceeded')),
    count      bigint      NOT NULL CHECK (count >= 0),
    -- First flush of the row. Never earlier than the row's day, so retention by created_at never removes a day that
    -- is still inside the 90-day window.
    created_at timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT analytics_events_key UNIQUE NULLS NOT DISTINCT (tenant_id, agent_id, metric, day)
);

-- The unique key above serves the agent-filtered trend (tenant, agent, metric, day range).
-- Tenant-wide trend, heatmap and usage summary: tenant + metric + day range, answered from the index alone.
CREATE INDEX analytics_events_tenant_metric_day ON analytics_events (tenant_id, metric, day) INCLUDE (agent_id, count);
-- Retention deletes the oldest rows in batches.
CREATE INDEX analytics_events_created_at ON analytics_events (created_at);

-- Flush batches already applied. A batch whose commit outcome is unknown (the connection dropped at the wrong moment)
-- is retried with the same id; finding the id here means it already counted, so it is never added twice.
CREATE TABLE analytics_flushes (
    batch_id   uuid        PRIMARY KEY,
    flushed_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX analytics_flushes_flushed_at ON analytics_flushes (flushed_at);
