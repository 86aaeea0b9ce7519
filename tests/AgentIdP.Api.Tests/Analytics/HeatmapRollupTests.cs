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
