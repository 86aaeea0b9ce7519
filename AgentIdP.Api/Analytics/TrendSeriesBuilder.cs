using System.Globalization;
using System.Text;

namespace AgentIdP.Api.Analytics;

/// <summary>
/// Cuts daily totals into buckets: days, or ISO weeks (Monday to Sunday) clipped to the range. Bucket i of the previous
/// period is bucket i shifted back by the range's length, so both series line up point for point.
/// </summary>
public static class TrendSeriesBuilder
{
    /// <summary>The days whose totals <see cref="Build"/> needs: the range and as much of the previous period as the tier shows.</summary>
    public static DayRange DaysNeeded(DayRange range, DateOnly horizon) =>
        new(range.Previous.From > horizon ? range.Previous.From : horizon, range.To);

    public static TrendSeries Build(AnalyticsMetric metric, Guid? agentId, TrendBucket bucket, DayRange range, DateOnly horizon,
        IReadOnlyDictionary<DateOnly, long> daily)
    {
        var shift = range.Days;
        var points = new List<TrendPoint>();
        for (var start = range.From; start <= range.To;)
        {
            var end = bucket == TrendBucket.Week ? Earlier(range.To, SundayOf(start)) : start;
            var previousStart = start.AddDays(-shift);
            var previousEnd = end.AddDays(-shift);
            long? previous = previousEnd < horizon ? null : Sum(daily, Later(previousStart, horizon), previousEnd);
            points.Add(new TrendPoint(start, end, Sum(daily, start, end), previousStart, previousEnd, previous));
            start = end.AddDays(1);
        }
        var total = points.Sum(p => p.Count);
        var previousTotal = points.Sum(p => p.PreviousCount ?? 0);
        double? change = previousTotal > 0 ? Math.Round((total - previousTotal) * 100.0 / previousTotal, 1) : null;
        return new TrendSeries(metric.Name(), agentId, bucket == TrendBucket.Week ? "week" : "day", range.From, range.To, total,
            new PreviousPeriod(range.Previous.From, range.Previous.To, previousTotal, range.Previous.From >= horizon, change), points);
    }

    /// <summary>RFC 4180 CSV, one line per bucket: its dates and count, then the previous period's.</summary>
    public static string ToCsv(TrendSeries series)
    {
        var csv = new StringBuilder("bucket_start,bucket_end,count,previous_start,previous_end,previous_count\r\n");
        foreach (var p in series.Points)
        {
            csv.Append(CultureInfo.InvariantCulture,
                $"{AnalyticsRangeRules.Format(p.Start)},{AnalyticsRangeRules.Format(p.End)},{p.Count},{AnalyticsRangeRules.Format(p.PreviousStart)},{AnalyticsRangeRules.Format(p.PreviousEnd)},{p.PreviousCount}\r\n");
        }
        return csv.ToString();
    }

    private static DateOnly SundayOf(DateOnly day) => day.AddDays(6 - ((int)day.DayOfWeek + 6) % 7);

    private static long Sum(IReadOnlyDictionary<DateOnly, long> daily, DateOnly from, DateOnly to)
    {
        long sum = 0;
        for (var day = from; day <= to; day = day.AddDays(1)) sum += daily.GetValueOrDefault(day);
        return sum;
    }

    private static DateOnly Earlier(DateOnly a, DateOnly b) => a < b ? a : b;
    private static DateOnly Later(DateOnly a, DateOnly b) => a > b ? a : b;
}
