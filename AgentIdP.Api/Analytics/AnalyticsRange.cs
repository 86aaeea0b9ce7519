using System.Globalization;
using AgentIdP.Api.Platform;

namespace AgentIdP.Api.Analytics;

/// <summary>An inclusive range of UTC days.</summary>
public readonly record struct DayRange(DateOnly From, DateOnly To)
{
    public int Days => To.DayNumber - From.DayNumber + 1;

    /// <summary>The range of the same length that ends the day before this one starts.</summary>
    public DayRange Previous => new(From.AddDays(-Days), From.AddDays(-1));
}

/// <summary>
/// Turns <c>from</c>/<c>to</c> query values into a range a tenant may see: at most <see cref="MaxDays"/> days, not in
/// the future, and not older than its tier's analytics history. Each refusal is a 400 naming the parameter.
/// </summary>
public static class AnalyticsRangeRules
{
    public const int MaxDays = 90;
    public const int DefaultDays = 30;
    public const string DateFormat = "yyyy-MM-dd";

    /// <summary>The first day a tenant of this tier may see, counting today as one of its history days.</summary>
    public static DateOnly Horizon(DateOnly today, AnalyticsHistory history) => today.AddDays(1 - history.Days);

    public static ProblemHttpResult? TryResolve(string? from, string? to, DateOnly today, AnalyticsHistory history, out DayRange range)
    {
        range = default;
        var horizon = Horizon(today, history);
        if (!TryParseDay(to, today, out var end)) return Problems.BadRequest($"to must be a date in the form {DateFormat}.");
        if (!TryParseDay(from, Later(end.AddDays(1 - DefaultDays), horizon), out var start))
        {
            return Problems.BadRequest($"from must be a date in the form {DateFormat}.");
        }
        if (end > today) return Problems.BadRequest($"to must not be after today ({Format(today)}, UTC).");
        if (end < horizon) return Problems.BadRequest(HistoryLimit("to", horizon, history));
        if (start > end) return Problems.BadRequest("from must not be after to.");
        if (end.DayNumber - start.DayNumber + 1 > MaxDays) return Problems.BadRequest($"from and to may span at most {MaxDays} days.");
        if (start < horizon) return Problems.BadRequest(HistoryLimit("from", horizon, history));
        range = new DayRange(start, end);
        return null;
    }

    private static string HistoryLimit(string parameter, DateOnly horizon, AnalyticsHistory history) =>
        $"{parameter} must not be before {Format(horizon)}: the {history.Plan} tier keeps {history.Days} days of analytics history.";

    public static string Format(DateOnly day) => day.ToString(DateFormat, CultureInfo.InvariantCulture);

    private static bool TryParseDay(string? value, DateOnly fallback, out DateOnly day)
    {
        if (string.IsNullOrEmpty(value))
        {
            day = fallback;
            return true;
        }
        return DateOnly.TryParseExact(value, DateFormat, CultureInfo.InvariantCulture, DateTimeStyles.None, out day);
    }

    private static DateOnly Later(DateOnly a, DateOnly b) => a > b ? a : b;
}
