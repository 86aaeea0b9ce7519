using Npgsql;

namespace AgentIdP.Api.Analytics;

/// <summary>The reads behind the analytics endpoints. Every statement carries the tenant in its WHERE clause.</summary>
public sealed class AnalyticsQueries(NpgsqlDataSource db)
{
    /// <summary>What the heatmap counts as an agent's activity (migration 028's weekly rollup sums the same two).</summary>
    public static readonly IReadOnlyList<AnalyticsMetric> ActivityMetrics = [AnalyticsMetric.TokenIssued, AnalyticsMetric.ApiCall];

    /// <summary>Sum per day of one metric (days without counts are absent), for the tenant or one of its agents.</summary>
    public async Task<Dictionary<DateOnly, long>> DailyTotalsAsync(Guid tenantId, AnalyticsMetric metric, DayRange range, Guid? agentId, CancellationToken ct)
    {
        // The whole tenant reads its daily totals (one row a day, kept by triggers); one agent reads its own rollups.
        await using var cmd = db.CreateCommand(agentId is null
            ? """
              SELECT day, count FROM analytics_tenant_daily
              WHERE tenant_id = @tenant AND metric = @metric AND day BETWEEN @from AND @to
              """
            : """
              SELECT day, sum(count)::bigint FROM analytics_events
              WHERE tenant_id = @tenant AND metric = @metric AND day BETWEEN @from AND @to AND agent_id = @agent
              GROUP BY day
              """);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("metric", metric.Name());
        cmd.Parameters.AddWithValue("from", range.From);
        cmd.Parameters.AddWithValue("to", range.To);
        if (agentId is { } agent) cmd.Parameters.AddWithValue("agent", agent);
        var totals = new Dictionary<DateOnly, long>();
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) totals[reader.GetFieldValue<DateOnly>(0)] = reader.GetInt64(1);
        return totals;
    }

    /// <summary>Activity per agent and day: the <paramref name="top"/> most active agents by name, the rest summed.</summary>
    public async Task<Heatmap> HeatmapAsync(Guid tenantId, DayRange range, int top, CancellationToken ct)
    {
        var metrics = ActivityMetrics.Select(m => m.Name()).ToArray();
        var days = Enumerable.Range(0, range.Days).Select(range.From.AddDays).ToArray();
        var ranked = new List<(Guid Id, string Name)>();
        var activeAgents = 0;
        await using var connection = await db.OpenConnectionAsync(ct);

        // First the ranking: whole ISO weeks of the range from the weekly rollup (migration 028), the days before the
        // first whole week and after the last one from analytics_events; one group per agent, active agents alongside.
        var (firstWeek, lastWeek) = WholeWeeks(range);
        await using (var cmd = new NpgsqlCommand("""
            SELECT t.agent_id, COALESCE(a.name, 'Deleted agent'), t.agents
            FROM (
                SELECT agent_id, sum(count) AS total, count(*) OVER () AS agents
                FROM (
                    SELECT agent_id, count FROM analytics_agent_weekly
                    WHERE tenant_id = @tenant AND week BETWEEN @firstWeek AND @lastWeek
                    UNION ALL
                    SELECT agent_id, count FROM analytics_events
                    WHERE tenant_id = @tenant AND metric = ANY (@metrics) AND day = ANY (@edgeDays) AND agent_id IS NOT NULL
                ) AS activity
                GROUP BY agent_id
                ORDER BY total DESC, agent_id
                LIMIT @top
            ) AS t
            LEFT JOIN agents a ON a.tenant_id = @tenant AND a.id = t.agent_id
            ORDER BY t.total DESC, t.agent_id
            """, connection))
        {
            cmd.Parameters.AddWithValue("tenant", tenantId);
            cmd.Parameters.AddWithValue("metrics", metrics);
            cmd.Parameters.AddWithValue("firstWeek", firstWeek);
            cmd.Parameters.AddWithValue("lastWeek", lastWeek);
            cmd.Parameters.AddWithValue("edgeDays", days.Where(d => d < firstWeek || d > lastWeek.AddDays(6)).ToArray());
            cmd.Parameters.AddWithValue("top", top);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                ranked.Add((reader.GetGuid(0), reader.GetString(1)));
                activeAgents = (int)reader.GetInt64(2);
            }
        }

        // Then the cells: the top agents' own rows, and every agent's activity per day (the tenant's daily totals less its
        // tenant-level rows, agent_id NULL in the answer); "other" is the second less the first.
        var cells = ranked.ToDictionary(r => r.Id, _ => new long[days.Length]);
        var other = new long[days.Length];
        if (ranked.Count > 0)
        {
            await using var cmd = new NpgsqlCommand("""
                SELECT agent_id, day, sum(count)::bigint
                FROM analytics_events
                WHERE tenant_id = @tenant AND agent_id = ANY (@top) AND metric = ANY (@metrics) AND day BETWEEN @from AND @to
                GROUP BY 1, 2
                UNION ALL
                SELECT NULL, day, sum(count)::bigint
                FROM (
                    SELECT day, count FROM analytics_tenant_daily
                    WHERE tenant_id = @tenant AND metric = ANY (@metrics) AND day BETWEEN @from AND @to
                    UNION ALL
                    SELECT day, -count FROM analytics_events
                    WHERE tenant_id = @tenant AND agent_id IS NULL AND metric = ANY (@metrics) AND day BETWEEN @from AND @to
                ) AS agents_only
                GROUP BY day
                """, connection);
            AddRange(cmd, tenantId, metrics, range);
            cmd.Parameters.AddWithValue("top", cells.Keys.ToArray());
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var (day, count) = (reader.GetFieldValue<DateOnly>(1).DayNumber - range.From.DayNumber, reader.GetInt64(2));
                if (reader.IsDBNull(0))
                {
                    other[day] += count;
                }
                else
                {
                    cells[reader.GetGuid(0)][day] = count;
                    other[day] -= count;
                }
            }
        }

        var agents = ranked.Select(r => new HeatmapRow(r.Id, r.Name, cells[r.Id].Sum(), cells[r.Id])).ToList();
        var others = activeAgents > agents.Count ? new HeatmapOther(activeAgents - agents.Count, other.Sum(), other) : null;
        return new Heatmap(range.From, range.To, metrics, days, agents, others);
    }

    /// <summary>
    /// The Mondays of the first and last ISO weeks that lie wholly inside the range; first after last when none does.
    /// </summary>
    private static (DateOnly First, DateOnly Last) WholeWeeks(DayRange range)
    {
        var first = range.From.AddDays((8 - (int)range.From.DayOfWeek) % 7);
        var afterLast = range.To.AddDays(1);
        return (first, afterLast.AddDays(-(((int)afterLast.DayOfWeek + 6) % 7) - 7));
    }

    private static void AddRange(NpgsqlCommand cmd, Guid tenantId, string[] metrics, DayRange range)
    {
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("metrics", metrics);
        cmd.Parameters.AddWithValue("from", range.From);
        cmd.Parameters.AddWithValue("to", range.To);
    }

    /// <summary>Each metric's count today and since the first of the month (UTC), for the whole tenant.</summary>
    public async Task<UsageSummary> SummaryAsync(Guid tenantId, DateOnly today, CancellationToken ct)
    {
        var monthStart = new DateOnly(today.Year, today.Month, 1);
        await using var cmd = db.CreateCommand("""
            SELECT metric, COALESCE(sum(count) FILTER (WHERE day = @today), 0)::bigint, sum(count)::bigint
            FROM analytics_tenant_daily
            WHERE tenant_id = @tenant AND metric = ANY (@metrics) AND day BETWEEN @monthStart AND @today
            GROUP BY metric
            """);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("metrics", AnalyticsMetrics.All.Select(m => m.Name()).ToArray());
        cmd.Parameters.AddWithValue("monthStart", monthStart);
        cmd.Parameters.AddWithValue("today", today);
        var found = new Dictionary<string, (long Today, long Month)>();
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct)) found[reader.GetString(0)] = (reader.GetInt64(1), reader.GetInt64(2));
        }
        return new UsageSummary(today, monthStart, [.. AnalyticsMetrics.All.Select(m =>
        {
            var (day, month) = found.GetValueOrDefault(m.Name());
            return new MetricUsage(m.Name(), day, month);
        })]);
    }

    /// <summary>Whether the agent belongs to the tenant; filtering by another tenant's agent answers 404.</summary>
    public async Task<bool> AgentExistsAsync(Guid tenantId, Guid agentId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT EXISTS (SELECT 1 FROM agents WHERE tenant_id = @tenant AND id = @agent)");
        cmd.Parameters.AddWithValue("tenant", tenantId);
        cmd.Parameters.AddWithValue("agent", agentId);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
