namespace AgentIdP.Portal.Analytics;

// The API's analytics answers, as the portal reads them (see docs/analytics.md).

public sealed record TrendSeries(
    string Metric, Guid? AgentId, string Bucket, DateOnly From, DateOnly To, long Total, PreviousPeriod Previous, IReadOnlyList<TrendPoint> Points);

public sealed record PreviousPeriod(DateOnly From, DateOnly To, long Total, bool Complete, double? ChangePercent);

public sealed record TrendPoint(DateOnly Start, DateOnly End, long Count, DateOnly PreviousStart, DateOnly PreviousEnd, long? PreviousCount);

public sealed record Heatmap(DateOnly From, DateOnly To, IReadOnlyList<string> Metrics, IReadOnlyList<DateOnly> Days,
    IReadOnlyList<HeatmapRow> Agents, HeatmapOther? Other);

public sealed record HeatmapRow(Guid AgentId, string Name, long Total, long[] Counts);

public sealed record HeatmapOther(int AgentCount, long Total, long[] Counts);

public sealed record UsageSummary(DateOnly Today, DateOnly MonthStart, IReadOnlyList<MetricUsage> Metrics);

public sealed record MetricUsage(string Metric, long Today, long Month);

/// <summary>What the analytics page asks for: a range (or the API's default), day or week buckets, maybe one agent.</summary>
public sealed record AnalyticsQuery(DateOnly? From, DateOnly? To, string Bucket, Guid? AgentId)
{
    public string TrendQueryString() => Query(("from", Day(From)), ("to", Day(To)), ("bucket", Bucket), ("agentId", AgentId?.ToString()));

    public string HeatmapQueryString() => Query(("from", Day(From)), ("to", Day(To)));

    private static string? Day(DateOnly? day) => day?.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture);

    private static string Query(params (string Key, string? Value)[] values) =>
        Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString("", values.Where(v => v.Value is not null).Select(v => KeyValuePair.Create(v.Key, v.Value)));
}
