using AgentIdP.TestSupport;
using Npgsql;

namespace AgentIdP.Api.Tests.Analytics;

public sealed class TenantDailyTotalsTests
{
    [Fact]
    public async Task Tenant_daily_totals_stay_equal_to_the_rollups_through_inserts_upserts_and_deletes()
    {
        await using var api = await ApiFactory.CreateAsync();
        _ = api.CreateClient(); // runs the migrations
        await using var db = NpgsqlDataSource.Create(api.DatabaseConnectionString);
        var tenant = Guid.NewGuid();
        Guid[] agents = [Guid.NewGuid(), Guid.NewGuid()];

        // A flush-shaped upsert, twice (the second adds to existing rows), then retention-shaped deletes.
        const string Upsert = """
            INSERT INTO analytics_events AS e (tenant_id, agent_id, metric, day, count)
            SELECT @t, a, m, d, 3 FROM unnest(@agents::uuid[]) a, unnest(ARRAY['token_issued', 'api_call']) m,
                   generate_series(DATE '2026-11-01', DATE '2026-11-10', interval '1 day') d
            ON CONFLICT ON CONSTRAINT analytics_events_key DO UPDATE SET count = e.count + EXCLUDED.count
            """;
        foreach (var sql in new[]
        {
            Upsert, Upsert,
            "INSERT INTO analytics_events (tenant_id, agent_id, metric, day, count) VALUES (@t, NULL, 'token_denied', DATE '2026-11-02', 5)",
            "DELETE FROM analytics_events WHERE tenant_id = @t AND day < DATE '2026-11-04'",
            "DELETE FROM analytics_events WHERE tenant_id = @t AND agent_id = @a0 AND day = DATE '2026-11-05'",
        })
        {
            await using var cmd = db.CreateCommand(sql);
            cmd.Parameters.AddWithValue("t", tenant);
            cmd.Parameters.AddWithValue("agents", agents);
            cmd.Parameters.AddWithValue("a0", agents[0]);
            await cmd.ExecuteNonQueryAsync();
        }

        var expected = await RowsAsync(db, "SELECT metric, day, sum(count)::bigint FROM analytics_events WHERE tenant_id = @t GROUP BY 1, 2", tenant);
        var actual = await RowsAsync(db, "SELECT metric, day, count FROM analytics_tenant_daily WHERE tenant_id = @t", tenant);
        Assert.Equal(expected, actual);
        Assert.Equal(14, actual.Count); // 7 days × 2 metrics left; the deleted days are gone from the totals too
        Assert.Contains(("token_issued", new DateOnly(2026, 11, 5), 6L), actual); // one agent's row of that day deleted
    }

    private static async Task<List<(string, DateOnly, long)>> RowsAsync(NpgsqlDataSource db, string sql, Guid tenant)
    {
        await using var cmd = db.CreateCommand(sql + " ORDER BY 1, 2");
        cmd.Parameters.AddWithValue("t", tenant);
        await using var reader = await cmd.ExecuteReaderAsync();
        var rows = new List<(string, DateOnly, long)>();
        while (await reader.ReadAsync()) rows.Add((reader.GetString(0), reader.GetFieldValue<DateOnly>(1), reader.GetInt64(2)));
        return rows;
    }
}
