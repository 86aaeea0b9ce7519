using Npgsql;

/// <summary>
/// Fills analytics_events the fast way (generate_series, indexes built after the load). Rows go in day by day across
/// all tenants, the way flushes write them, so the big tenant's rows are spread over the table, not packed together.
/// </summary>
internal static class Loader
{
    public const int Agents = 1_000;
    public const int Days = 90;

    public static async Task<long> LoadAsync(NpgsqlDataSource db, Guid tenant, DateOnly today, long targetRows)
    {
        await using var connection = await db.OpenConnectionAsync();
        if (await ScalarAsync<long>(connection, "SELECT count(*) FROM analytics_events") >= targetRows)
        {
            return await ScalarAsync<long>(connection, "SELECT count(*) FROM analytics_events");
        }
        // TRUNCATE fires no triggers: empty the tables they keep in step as well.
        await ExecuteAsync(connection, "TRUNCATE analytics_events, analytics_tenant_daily, analytics_agent_weekly");

        // Keep the migration's own index definitions, drop them for the load, and build them again afterwards.
        var constraint = await ScalarAsync<string>(connection,
            "SELECT pg_get_constraintdef(oid) FROM pg_constraint WHERE conname = 'analytics_events_key'");
        var indexes = new List<string>();
        await using (var cmd = new NpgsqlCommand("""
            SELECT indexdef FROM pg_indexes WHERE tablename = 'analytics_events' AND indexname <> 'analytics_events_key'
            """, connection))
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync()) indexes.Add(reader.GetString(0));
        }
        await ExecuteAsync(connection, "ALTER TABLE analytics_events DROP CONSTRAINT analytics_events_key");
        foreach (var index in indexes) await ExecuteAsync(connection, $"DROP INDEX {IndexName(index)}");

        // The big tenant: 1,000 agents × 90 days × (tokens issued, API calls), plus its tenant-level row per day.
        // Everyone else: tenants of 100 agents with tokens issued per day, as many as it takes to reach the target.
        var bigTenantRows = (long)Agents * Days * 2 + Days;
        var otherTenants = (int)Math.Ceiling((targetRows - bigTenantRows) / (100.0 * Days));
        await using (var load = new NpgsqlCommand("""
            SET LOCAL synchronous_commit = off;
            INSERT INTO analytics_events (tenant_id, agent_id, metric, day, count, created_at)
            SELECT tenant_id, agent_id, metric, day, count, day::timestamp AT TIME ZONE 'UTC'
            FROM generate_series(0, @days - 1) AS d (i)
            CROSS JOIN LATERAL (SELECT @today::date - d.i AS day) AS t
            CROSS JOIN LATERAL (
                SELECT @tenant AS tenant_id, md5('agent' || a)::uuid AS agent_id, m.metric,
                       (10 + (a * 7 + d.i * 13) % 500)::bigint * m.factor AS count
                FROM generate_series(1, @agents) AS a, (VALUES ('token_issued', 1), ('api_call', 4)) AS m (metric, factor)
                UNION ALL
                SELECT @tenant, NULL, 'token_issued', 5
                UNION ALL
                SELECT md5('tenant' || o)::uuid, md5('tenant' || o || 'agent' || a)::uuid, 'token_issued',
                       (1 + (o + a + d.i) % 50)::bigint
                FROM generate_series(1, @others) AS o, generate_series(1, 100) AS a
            ) AS r
            """, connection))
        {
            load.CommandTimeout = 0;
            load.Parameters.AddWithValue("days", Days);
            load.Parameters.AddWithValue("today", today);
            load.Parameters.AddWithValue("tenant", tenant);
            load.Parameters.AddWithValue("agents", Agents);
            load.Parameters.AddWithValue("others", otherTenants);
            await load.ExecuteNonQueryAsync();
        }

        await ExecuteAsync(connection, "SET maintenance_work_mem = '1GB'");
        await ExecuteAsync(connection, $"ALTER TABLE analytics_events ADD CONSTRAINT analytics_events_key {constraint}");
        foreach (var index in indexes) await ExecuteAsync(connection, index);
        // The tables the triggers filled get the same vacuum as analytics_events, not whatever autovacuum has done by now.
        await ExecuteAsync(connection, "VACUUM (ANALYZE) analytics_events, analytics_tenant_daily, analytics_agent_weekly");

        // The big tenant's agents exist, so the heatmap can name them.
        await ExecuteAsync(connection, "DELETE FROM agents WHERE tenant_id = @tenant; DELETE FROM clients WHERE tenant_id = @tenant; DELETE FROM tenants WHERE id = @tenant", ("tenant", tenant));
        await ExecuteAsync(connection, """
            INSERT INTO tenants (id, name, tier) VALUES (@tenant, 'Benchmark tenant', 'enterprise');
            INSERT INTO clients (client_id, tenant_id, kind, scopes)
                SELECT 'bench_' || a, @tenant, 'agent', ARRAY['a2a:invoke'] FROM generate_series(1, 1000) AS a;
            INSERT INTO agents (id, tenant_id, client_id, name)
                SELECT md5('agent' || a)::uuid, @tenant, 'bench_' || a, 'Agent ' || a FROM generate_series(1, 1000) AS a;
            ANALYZE agents;
            """, ("tenant", tenant));
        return await ScalarAsync<long>(connection, "SELECT count(*) FROM analytics_events");
    }

    public static async Task<Guid> SomeAgentAsync(NpgsqlDataSource db, Guid tenant)
    {
        await using var connection = await db.OpenConnectionAsync();
        return await ScalarAsync<Guid>(connection, "SELECT id FROM agents WHERE tenant_id = @tenant ORDER BY name LIMIT 1", ("tenant", tenant));
    }

    private static string IndexName(string definition) => definition.Split(' ')[definition.StartsWith("CREATE UNIQUE", StringComparison.Ordinal) ? 3 : 2];

    private static async Task ExecuteAsync(NpgsqlConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        await using var cmd = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value);
        await cmd.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        await using var cmd = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value);
        return (T)(await cmd.ExecuteScalarAsync())!;
    }
}
