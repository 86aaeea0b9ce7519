namespace AgentIdP.Api.Analytics;

public enum TrendBucket { Day, Week }

/// <summary>A metric over a range in day or week buckets, with the previous period of the same length beside it.</summary>
public sealed record TrendSeries(
    string Metric, Guid? AgentId, string Bucket, DateOnly From, DateOnly To, long Total, PreviousPeriod Previous, IReadOnlyList<TrendPoint> Points);

/// <param name="Complete">False when part of the previous period lies beyond the tier's history and is left out.</param>
/// <param name="ChangePercent">Change from the previous total to this one; null when the previous total is zero.</param>
public sealed record PreviousPeriod(DateOnly From, DateOnly To, long Total, bool Complete, double? ChangePercent);

/// <param name="PreviousCount">The matching bucket of the previous period; null when all of it is beyond the tier's history.</param>
public sealed record TrendPoint(DateOnly Start, DateOnly End, long Count, DateOnly PreviousStart, DateOnly PreviousEnd, long? PreviousCount);

/// <summary>Agents × days: the most active agents by name, the rest summed into one row.</summary>
/// <param name="Metrics">What counts as activity.</param>
/// <param name="Days">The column labels; every row's <c>Counts</c> follows them.</param>
/// <param name="Other">The agents beyond the top ones, summed; null when there are none.</param>
public sealed record Heatmap(DateOnly From, DateOnly To, IReadOnlyList<string> Metrics, IReadOnlyList<DateOnly> Days,
    IReadOnlyList<HeatmapRow> Agents, HeatmapOther? Other);

public sealed record HeatmapRow(Guid AgentId, string Name, long Total, long[] Counts);

public sealed record HeatmapOther(int AgentCount, long Total, long[] Counts);

/// <summary>Per metric: today so far and the month so far (UTC).</summary>
public sealed record UsageSummary(DateOnly Today, DateOnly MonthStart, IReadOnlyList<MetricUsage> Metrics);

public sealed record MetricUsage(string Metric, long Today, long Month);
