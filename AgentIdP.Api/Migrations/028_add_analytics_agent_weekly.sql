-- Per-agent weekly activity (token_issued + api_call, the heatmap's AnalyticsQueries.ActivityMetrics), kept in step with
-- analytics_events by statement-level triggers like 026. The heatmap ranks agents over up to 90 days: whole ISO weeks
-- (Monday to Sunday) come from here and only the few days at either end from analytics_events, so ranking 1,000 agents
-- reads about 13 entries per agent instead of 180.
--
-- rows is how many analytics_events rows a week sums: a week goes when its last row goes, so which agents have
-- activity in a range stays exactly what analytics_events says (zero counts included).
CREATE FUNCTION analytics_week(day date) RETURNS date LANGUAGE sql IMMUTABLE PARALLEL SAFE
    RETURN day - (extract(isodow FROM day)::int - 1);

CREATE TABLE analytics_agent_weekly (
    tenant_id uuid   NOT NULL,
    week      date   NOT NULL CHECK (week = analytics_week(week)),
    agent_id  uuid   NOT NULL,
    count     bigint NOT NULL,
    rows      bigint NOT NULL,
    -- count in the key's index: ranking is an index-only scan of the tenant's weeks.
    PRIMARY KEY (tenant_id, week, agent_id) INCLUDE (count)
);

INSERT INTO analytics_agent_weekly (tenant_id, week, agent_id, count, rows)
SELECT tenant_id, analytics_week(day), agent_id, sum(count), count(*)
FROM analytics_events
WHERE agent_id IS NOT NULL AND metric IN ('token_issued', 'api_call')
GROUP BY 1, 2, 3;

-- Adds new_rows, takes away old_rows, or (UPDATE) applies the difference in one pass, then drops the weeks left without
-- rows. Upserts go in key order, so two replicas flushing the same tenant at once lock its weeks in the same order.
CREATE FUNCTION analytics_agent_weekly_apply() RETURNS trigger LANGUAGE plpgsql AS $$
DECLARE
    emptied boolean;
BEGIN
    IF TG_OP = 'INSERT' THEN
        INSERT INTO analytics_agent_weekly AS w (tenant_id, week, agent_id, count, rows)
        SELECT tenant_id, analytics_week(day), agent_id, sum(count), count(*)
        FROM new_rows
        WHERE agent_id IS NOT NULL AND metric IN ('token_issued', 'api_call')
        GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
        ON CONFLICT (tenant_id, week, agent_id) DO UPDATE SET count = w.count + EXCLUDED.count, rows = w.rows + EXCLUDED.rows;
        RETURN NULL;
    ELSIF TG_OP = 'UPDATE' THEN
        -- Flushes add to count in place; new minus old also stays right if an update ever moved a row to another key.
        WITH applied AS (
            INSERT INTO analytics_agent_weekly AS w (tenant_id, week, agent_id, count, rows)
            SELECT tenant_id, analytics_week(day), agent_id, sum(count), sum(rows)
            FROM (SELECT tenant_id, day, agent_id, metric, count, 1 AS rows FROM new_rows
                  UNION ALL
                  SELECT tenant_id, day, agent_id, metric, -count, -1 FROM old_rows) AS c
            WHERE agent_id IS NOT NULL AND metric IN ('token_issued', 'api_call')
            GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
            ON CONFLICT (tenant_id, week, agent_id) DO UPDATE SET count = w.count + EXCLUDED.count, rows = w.rows + EXCLUDED.rows
            RETURNING w.rows)
        SELECT bool_or(rows = 0) INTO emptied FROM applied;
    ELSE
        WITH applied AS (
            INSERT INTO analytics_agent_weekly AS w (tenant_id, week, agent_id, count, rows)
            SELECT tenant_id, analytics_week(day), agent_id, -sum(count), -count(*)
            FROM old_rows
            WHERE agent_id IS NOT NULL AND metric IN ('token_issued', 'api_call')
            GROUP BY 1, 2, 3 ORDER BY 1, 2, 3
            ON CONFLICT (tenant_id, week, agent_id) DO UPDATE SET count = w.count + EXCLUDED.count, rows = w.rows + EXCLUDED.rows
            RETURNING w.rows)
        SELECT bool_or(rows = 0) INTO emptied FROM applied;
    END IF;
    IF emptied THEN
        DELETE FROM analytics_agent_weekly w
        USING (SELECT DISTINCT tenant_id, analytics_week(day) AS week, agent_id FROM old_rows WHERE agent_id IS NOT NULL) o
        WHERE w.tenant_id = o.tenant_id AND w.week = o.week AND w.agent_id = o.agent_id AND w.rows = 0;
    END IF;
    RETURN NULL;
END
$$;

CREATE TRIGGER analytics_agent_weekly_insert AFTER INSERT ON analytics_events
    REFERENCING NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION analytics_agent_weekly_apply();
CREATE TRIGGER analytics_agent_weekly_update AFTER UPDATE ON analytics_events
    REFERENCING OLD TABLE AS old_rows NEW TABLE AS new_rows FOR EACH STATEMENT EXECUTE FUNCTION analytics_agent_weekly_apply();
CREATE TRIGGER analytics_agent_weekly_delete AFTER DELETE ON analytics_events
    REFERENCING OLD TABLE AS old_rows FOR EACH STATEMENT EXECUTE FUNCTION analytics_agent_weekly_apply();
