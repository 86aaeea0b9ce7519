-- 026's triggers upsert a statement's per-day totals in whatever order the aggregate produced them. Two replicas
-- flushing the same tenant at once (different agents, so their own rows do not collide) could then lock the tenant's
-- (metric, day) rows in opposite orders and deadlock; the flusher would retry, but a deadlock costs a second and a log
-- line. Same function, writes now in key order, as 028's are.
CREATE OR REPLACE FUNCTION analytics_tenant_daily_apply() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO analytics_tenant_daily AS d (tenant_id, metric, day, count)
        SELECT tenant_id, metric, day, sum(count) FROM new_rows GROUP BY tenant_id, metric, day ORDER BY 1, 2, 3
        ON CONFLICT (tenant_id, metric, day) DO UPDATE SET count = d.count + EXCLUDED.count;
    ELSIF TG_OP = 'UPDATE' THEN
        -- Flushes add to existing rows with INSERT ... ON CONFLICT DO UPDATE: apply the difference.
        INSERT INTO analytics_tenant_daily AS d (tenant_id, metric, day, count)
        SELECT n.tenant_id, n.metric, n.day, sum(n.count) - sum(o.count)
        FROM (SELECT tenant_id, metric, day, sum(count) AS count FROM new_rows GROUP BY 1, 2, 3) n
        JOIN (SELECT tenant_id, metric, day, sum(count) AS count FROM old_rows GROUP BY 1, 2, 3) o
          USING (tenant_id, metric, day)
        GROUP BY n.tenant_id, n.metric, n.day
        ORDER BY 1, 2, 3
        ON CONFLICT (tenant_id, metric, day) DO UPDATE SET count = d.count + EXCLUDED.count;
    ELSE
        -- Retention deletes; one job at a time (it holds an advisory lock), so the order does not matter here.
        UPDATE analytics_tenant_daily d SET count = d.count - o.count
        FROM (SELECT tenant_id, metric, day, sum(count) AS count FROM old_rows GROUP BY 1, 2, 3) o
        WHERE d.tenant_id = o.tenant_id AND d.metric = o.metric AND d.day = o.day;
        DELETE FROM analytics_tenant_daily d USING (SELECT DISTINCT tenant_id, metric, day FROM old_rows) o
        WHERE d.tenant_id = o.tenant_id AND d.metric = o.metric AND d.day = o.day AND d.count <= 0;
    END IF;
    RETURN NULL;
END
$$;
