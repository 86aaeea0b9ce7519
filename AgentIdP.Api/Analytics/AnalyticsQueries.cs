using Npgsql;

namespace AgentIdP.Api.Analytics;

/// <summary>The reads behind the analytics endpoints. Every statement carries the tenant in its WHERE clause.</summary>
public sealed class AnalyticsQueries(NpgsqlDataSource db)
{
    /// <summary>What the heatmap counts as an agent's activity.</summary>
    public static readonly IReadOnlyList<AnalyticsMetric> ActivityMetrics = [AnalyticsMetric.TokenIssued, AnalyticsMetric.ApiCall];

    /// <summary>Sum per day of one metric (days without counts are absent), for the tenant or one of its agents.</summary>
    public async Task<Dictionary<DateOnly, long>> DailyTotalsAsync(Guid tenantId, AnalyticsMetric metric, DayRange range, Guid? agentId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand($"""
            SELECT day, sum(count)::bigint FROM analytics_events
            WHERE tenant_id = @tenant AND metric = @metric AND day BETWEEN @from AND @to {(agentId is null ? "" : "AND agent_id = @agent")}
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
        var days = Enumerable.Range(0, range.Days).Select(range.From.AddDays).ToArray();
        var rows = new Dictionary<Guid, long[]>();
        var order = new List<Guid>();
        long[]? other = null;
        var activeAgents = 0;

        await using var connection = await db.OpenConnectionAsync(ct);
        await using (var cmd = new NpgsqlCommand("""
            WITH per_agent_day AS (
                SELECT agent_id, day, sum(count) AS count
                FROM analytics_events
                WHERE tenant_id = @tenant AND metric = ANY (@metrics) AND day BETWEEN @from AND @to AND agent_id IS NOT NULL
                GROUP BY agent_id, day
            ), ranked AS (
                SELECT agent_id, row_number() OVER (ORDER BY sum(count) DESC, agent_id) AS rank, count(*) OVER () AS agents
                FROM per_agent_day
                GROUP BY agent_id
            )
            SELECT CASE WHEN r.rank <= @top THEN p.agent_id END AS agent_id, min(r.rank) AS rank, p.day, sum(p.count)::bigint, min(r.agents)
            FROM per_agent_day p JOIN ranked r USING (agent_id)
            GROUP BY 1, p.day
            ORDER BY 2, p.day
            """, connection))
        {
            cmd.Parameters.AddWithValue("tenant", tenantId);
            cmd.Parameters.AddWithValue("metrics", ActivityMetrics.Select(m => m.Name()).ToArray());
            cmd.Parameters.AddWithValue("from", range.From);
            cmd.Parameters.AddWithValue("to", range.To);
            cmd.Parameters.AddWithValue("top", (long)top);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var column = reader.GetFieldValue<DateOnly>(2).DayNumber - range.From.DayNumber;
                activeAgents = (int)reader.GetInt64(4);
                long[] counts;
                if (reader.IsDBNull(0))
                {
                    counts = other ??= new long[days.Length];
                }
                else
                {
                    var agent = reader.GetGuid(0);
                    if (!rows.TryGetValue(agent, out counts!))
                    {
                        rows[agent] = counts = new long[days.Length];
                        order.Add(agent);
                    }
                }
                counts[column] = reader.GetInt64(3);
            }
        }

        var names = new Dictionary<Guid, string>();
        if (order.Count > 0)
        {
            await using var cmd = new NpgsqlCommand("SELECT id, name FROM agents WHERE tenant_id = @tenant AND id = ANY (@ids)", connection);
            cmd.Parameters.AddWithValue("tenant", tenantId);
            cmd.Parameters.AddWithValue("ids", order.ToArray());
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct)) names[reader.GetGuid(0)] = reader.GetString(1);
        }

        var agents = order.Select(id => new HeatmapRow(id, names.GetValueOrDefault(id, "Deleted agent"), rows[id].Sum(), rows[id])).ToList();
        var others = other is null ? null : new HeatmapOther(activeAgents - agents.Count, other.Sum(), other);
        return new Heatmap(range.From, range.To, [.. ActivityMetrics.Select(m => m.Name())], days, agents, others);
    }

    /// <summary>Each metric's count today and since the first of the month (UTC), for the whole tenant.</summary>
    public async Task<UsageSummary> SummaryAsync(Guid tenantId, DateOnly today, CancellationToken ct)
    {
        var monthStart = new DateOnly(today.Year, today.Month, 1);
        await using var cmd = db.CreateCommand("""
            SELECT metric, COALESCE(sum(count) FILTER (WHERE day = @today), 0)::bigint, sum(count)::bigint
            FROM analytics_events
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
