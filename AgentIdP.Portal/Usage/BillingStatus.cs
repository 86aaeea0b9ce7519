namespace AgentIdP.Portal.Usage;

/// <summary>The API's answer to <c>GET /api/billing</c>.</summary>
public sealed record BillingStatus(string Tier, DateTimeOffset TierChangedAt, bool BillingConfigured, bool HasSubscription,
    long? CallsToday, long DailyQuota, IReadOnlyList<TierRow> Tiers)
{
    /// <summary>Share of today's quota used, 0–100, for the meter.</summary>
    public double PercentUsed => CallsToday is { } calls && DailyQuota > 0 ? Math.Min(100, 100.0 * calls / DailyQuota) : 0;

    public int Rank(string tier) => Tiers.Select((t, i) => (t, i)).FirstOrDefault(x => x.t.Tier == tier).i;
}

public sealed record TierRow(string Tier, int RequestsPerSecond, int Burst, long DailyQuota, int MaxAgents, int AnalyticsHistoryDays, bool Current);

public sealed record UpgradeStarted(string Status, string? CheckoutUrl, string? SessionId, string Message);

public sealed record UpgradeRequest(string Tier, string SuccessUrl, string CancelUrl);
