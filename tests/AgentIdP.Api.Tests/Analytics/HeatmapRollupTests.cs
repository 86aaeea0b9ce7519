using System.Text.Json;
using AgentIdP.Api.Analytics;
using AgentIdP.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace AgentIdP.Api.Tests.Analytics;

/// <summary>The heatmap and the rollups it reads (migrations 026, 028), checked against analytics_events itself.</summary>
public sealed class HeatmapRollupTests
{
    private static readonly DateTimeOffset Now = new(2025, 6, 18, 12, 0, 0, TimeSpan.Zero);
    private static readonly DateOnly Today = DateOnly.FromDateTime(Now.UtcDateTime);

    [Fact]
    public async Task Heatmap_equals_the_one_summed_from_every_rollup_row_for_any_range_up_to_90_days()
    {
        await using var api = (await ApiFactory.CreateAsync()).WithClock(new FakeTimeProvider(Now));
        using var http = api.CreateClient();
        var tenant = await http.CreateTenantAsync();
        var admin = await http.AdminTokenAsync(tenant);
        var named = await http.CreateAgentAsync(admin, new { name = "Named agent" });
        // Agents come in pairs with the same activity, so ties are ordered by agent id, also across the top-2 cut; one
        // agent has a single row counting 0 (active, nothing to add). Tenant-level rows, denied tokens and another tenant
        // share the days and must not show.
        Guid[] agents = [.. Enumerable.Range(0, 11).Select(_ => Guid.NewGuid()), named.AgentId];
        await ExecuteAsync(api.DatabaseConnectionString, """
            INSERT INTO analytics_events (tenant_id, agent_id, metric, day, count)
            SELECT @tenant, agent, metric, @today - k, (i / 2 % 4) * 3 + k % 5 + 1 + (i / 2 / 4) * 100
            FROM unnest(@agents::uuid[]) WITH ORDINALITY AS a (agent, i), generate_series(0, 99) AS k,
                 unnest(ARRAY['token_issued', 'api_call', 'token_denied']) AS metric
            WHERE (i / 2 * 7 + k) % 6 <> 0
            UNION ALL
            SELECT @tenant, NULL, metric, @today - k, 10000 FROM generate_series(0, 99) AS k, unnest(ARRAY['token_issued', 'api_call']) AS metric
            UNION ALL
            SELECT @other, agent, 'api_call', @today - k, 70000 FROM unnest(@agents::uuid[]) AS agent, generate_series(0, 99) AS k
            UNION ALL
            SELECT @tenant, @idle, 'api_call', @today - 40, 0
            """, ("tenant", tenant.TenantId), ("other", Guid.NewGuid()), ("agents", agents), ("idle", Guid.NewGuid()), ("today", Today));
        var queries = api.Services.GetRequiredService<AnalyticsQueries>();

        // Every length from one day to 90 ending on each day of a week: whole weeks, edge days, or edge days only.
        foreach (var days in new[] { 1, 2, 6, 7, 8, 13, 14, 15, 30, 31, 60, 89, 90 })
        {
            for (var shift = 0; shift < 7; shift++)
            {
                var range = new DayRange(Today.AddDays(1 - days - shift), Today.AddDays(-shift));
                foreach (var top in new[] { 2, 3, 50 })
                {
                    var expected = await SummedHeatmapAsync(api.DatabaseConnectionString, tenant.TenantId, range, top);
                    var actual = await queries.HeatmapAsync(tenant.TenantId, range, top, CancellationToken.None);
                    Assert.Equal(JsonSerializer.Serialize(expected), JsonSerializer.Serialize(actual));
                }
            }
        }
        var ninety = await queries.HeatmapAsync(tenant.TenantId, new DayRange(Today.AddDays(-89), Today), 3, CancellationToken.None);
        Assert.Equal(10, ninety.Other!.AgentCount); // 13 active agents, the idle one included
        Assert.Contains(ninety.Agents, a => a.Name == "Named agent");
    }

    [Fact]
    public async Task Weekly_agent_activity_stays_equal_to_the_rollups_through_flushes_and_retention()
    {
        await using var api = (await ApiFactory.CreateAsync()).WithClock(new FakeTimeProvider(Now));
        api.Settings["Analytics:RetentionBatchSize"] = "13";
        using var http = api.CreateClient();
        var tenant = Guid.NewGuid();
        Guid[] agents = [Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid()];
        // 120 days of history created on their own day: retention takes the oldest 30 days and splits the week it ends in.
        await ExecuteAsync(api.DatabaseConnectionString, """
            INSERT INTO analytics_events (tenant_id, agent_id, metric, day, count, created_at)
            SELECT @tenant, agent, metric, @today - k, k + 1, (@today - k)::timestamp AT TIME ZONE 'UTC'
            FROM unnest(@agents::uuid[] || ARRAY[NULL::uuid]) AS agent, generate_series(1, 120) AS k,
                 unnest(ARRAY['token_issued', 'api_call', 'token_denied']) AS metric
            """, ("tenant", tenant), ("agents", agents), ("today", Today));

        // Flushes: the first inserts today's rows, the second adds to them (and inserts one more).
        var recorder = api.Services.GetRequiredService<AnalyticsRecorder>();
        foreach (var agent in agents) recorder.Record(tenant, agent, AnalyticsMetric.ApiCall, 5);
        recorder.Record(tenant, agents[0], AnalyticsMetric.TokenIssued, 2);
        Assert.True(await api.FlushAsync());
        foreach (var agent in agents) recorder.Record(tenant, agent, AnalyticsMetric.ApiCall, 7);
        recorder.Record(tenant, agents[1], AnalyticsMetric.TokenIssued, 3);
        recorder.Record(tenant, null, AnalyticsMetric.ApiCall, 11);
        Assert.True(await api.FlushAsync());
        Assert.Equal(await WeeksSummedAsync(api.DatabaseConnectionString, tenant), await WeeksKeptAsync(api.DatabaseConnectionString, tenant));

        var deleted = await api.Services.GetRequiredService<AnalyticsRetention>().RunOnceAsync(CancellationToken.None);

        Assert.Equal(4 * 3 * 31, deleted); // days 90 to 120 before today
        var kept = await WeeksKeptAsync(api.DatabaseConnectionString, tenant);
        Assert.Equal(await WeeksSummedAsync(api.DatabaseConnectionString, tenant), kept);
        // The oldest week kept (Monday 93 days ago) lost its first four days; the current one has today's flushes.
        Assert.Contains((agents[0], Today.AddDays(-93), (90 + 89 + 88) * 2L, 6L), kept);
        Assert.Equal(Today.AddDays(-93), kept.Min(w => w.Week));
        Assert.Contains((agents[0], Today.AddDays(-2), 5 + 7 + 2 + (2 + 3) * 2L, 6L), kept);
    }

    /// <summary>The heatmap as it was computed before migration 028: two scans of the tenant's rows in analytics_events.</summary>
    private static async Task<Heatmap> SummedHeatmapAsync(string database, Guid tenant, DayRange range, int top)
    {
        var metrics = AnalyticsQueries.ActivityMetrics.Select(m => m.Name()).ToArray();
        var days = Enumerable.Range(0, range.Days).Select(range.From.AddDays).ToArray();
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        var ranked = new List<(Guid Id, string Name)>();
        var active = 0;
        await using (var cmd = Command(connection, """
            SELECT t.agent_id, COALESCE(a.name, 'Deleted agent'), t.agents
            FROM (
                SELECT agent_id, sum(count) AS total, count(*) OVER () AS agents
                FROM analytics_events
                WHERE tenant_id = @tenant AND metric = ANY (@metrics) AND day BETWEEN @from AND @to AND agent_id IS NOT NULL
                GROUP BY agent_id
                ORDER BY total DESC, agent_id
                LIMIT @top
            ) AS t
            LEFT JOIN agents a ON a.tenant_id = @tenant AND a.id = t.agent_id
            ORDER BY t.total DESC, t.agent_id
            """, ("tenant", tenant), ("metrics", metrics), ("from", range.From), ("to", range.To), ("top", top)))
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                ranked.Add((reader.GetGuid(0), reader.GetString(1)));
                active = (int)reader.GetInt64(2);
            }
        }
        var cells = ranked.ToDictionary(r => r.Id, _ => new long[days.Length]);
        var other = new long[days.Length];
        await using (var cmd = Command(connection, """
            SELECT CASE WHEN agent_id = ANY (@top) THEN agent_id END, day, sum(count)::bigint
            FROM analytics_events
            WHERE tenant_id = @tenant AND metric = ANY (@metrics) AND day BETWEEN @from AND @to AND agent_id IS NOT NULL
            GROUP BY 1, 2
            """, ("tenant", tenant), ("metrics", metrics), ("from", range.From), ("to", range.To), ("top", cells.Keys.ToArray())))
        await using (var reader = await cmd.ExecuteReaderAsync())
        {
            while (await reader.ReadAsync())
            {
                var row = reader.IsDBNull(0) ? other : cells[reader.GetGuid(0)];
                row[reader.GetFieldValue<DateOnly>(1).DayNumber - range.From.DayNumber] = reader.GetInt64(2);
            }
        }
        var rows = ranked.Select(r => new HeatmapRow(r.Id, r.Name, cells[r.Id].Sum(), cells[r.Id])).ToList();
        return new Heatmap(range.From, range.To, metrics, days, rows,
            active > rows.Count ? new HeatmapOther(active - rows.Count, other.Sum(), other) : null);
    }

    private static Task<List<(Guid Agent, DateOnly Week, long Count, long Rows)>> WeeksSummedAsync(string database, Guid tenant) => WeeksAsync(database, """
        SELECT agent_id, analytics_week(day), sum(count)::bigint, count(*) FROM analytics_events
        WHERE tenant_id = @tenant AND agent_id IS NOT NULL AND metric IN ('token_issued', 'api_call') GROUP BY 1, 2
        """, tenant);

    private static Task<List<(Guid Agent, DateOnly Week, long Count, long Rows)>> WeeksKeptAsync(string database, Guid tenant) =>
        WeeksAsync(database, "SELECT agent_id, week, count, rows FROM analytics_agent_weekly WHERE tenant_id = @tenant", tenant);

    private static async Task<List<(Guid Agent, DateOnly Week, long Count, long Rows)>> WeeksAsync(string database, string sql, Guid tenant)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var cmd = Command(connection, sql + " ORDER BY 1, 2", ("tenant", tenant));
        await using var reader = await cmd.ExecuteReaderAsync();
        var weeks = new List<(Guid, DateOnly, long, long)>();
        while (await reader.ReadAsync()) weeks.Add((reader.GetGuid(0), reader.GetFieldValue<DateOnly>(1), reader.GetInt64(2), reader.GetInt64(3)));
        return weeks;
    }

    private static async Task ExecuteAsync(string database, string sql, params (string Name, object Value)[] parameters)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var cmd = Command(connection, sql, parameters);
        await cmd.ExecuteNonQueryAsync();
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, params (string Name, object Value)[] parameters)
    {
        var cmd = new NpgsqlCommand(sql, connection);
        foreach (var (name, value) in parameters) cmd.Parameters.AddWithValue(name, value);
        return cmd;
    }
}
