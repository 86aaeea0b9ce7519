namespace AgentIdP.Api.Analytics;

/// <summary>What analytics counts, per tenant, per agent where there is one, per UTC day.</summary>
public enum AnalyticsMetric
{
    TokenIssued,
    TokenDenied,
    ApiCall,
    RateLimited,
    QuotaExceeded,
}

public static class AnalyticsMetrics
{
    public static readonly IReadOnlyList<AnalyticsMetric> All = Enum.GetValues<AnalyticsMetric>();

    /// <summary>The name stored in <c>analytics_events.metric</c>, used in query strings and answers.</summary>
    public static string Name(this AnalyticsMetric metric) => metric switch
    {
        AnalyticsMetric.TokenIssued => "token_issued",
        AnalyticsMetric.TokenDenied => "token_denied",
        AnalyticsMetric.ApiCall => "api_call",
        AnalyticsMetric.RateLimited => "rate_limited",
        AnalyticsMetric.QuotaExceeded => "quota_exceeded",
        _ => throw new ArgumentOutOfRangeException(nameof(metric)),
    };

    public static bool TryParse(string? name, out AnalyticsMetric metric)
    {
        foreach (var candidate in All)
        {
            if (candidate.Name() == name)
            {
                metric = candidate;
                return true;
            }
        }
        metric = default;
        return false;
    }

    public static string NameList => string.Join(", ", All.Select(m => m.Name()));
}
