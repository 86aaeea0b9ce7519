namespace AgentIdP.Api.Tiers;

public enum Tier { Free, Pro, Enterprise }

/// <summary>What one tier allows. Requests per second with a burst, calls per UTC day, agents, analytics history.</summary>
public sealed record TierLimits(Tier Tier, int RequestsPerSecond, int Burst, long DailyQuota, int MaxAgents, int AnalyticsHistoryDays);

/// <summary>The tier table: one constant table in code, documented in the README.</summary>
public static class TierConfig
{
    public static readonly TierLimits Free = new(Tier.Free, RequestsPerSecond: 10, Burst: 20, DailyQuota: 10_000, MaxAgents: 10, AnalyticsHistoryDays: 7);
    public static readonly TierLimits Pro = new(Tier.Pro, RequestsPerSecond: 100, Burst: 200, DailyQuota: 1_000_000, MaxAgents: 1_000, AnalyticsHistoryDays: 30);
    public static readonly TierLimits Enterprise = new(Tier.Enterprise, RequestsPerSecond: 1_000, Burst: 2_000, DailyQuota: 100_000_000, MaxAgents: 100_000, AnalyticsHistoryDays: 90);

    public static readonly IReadOnlyList<TierLimits> All = [Free, Pro, Enterprise];

    public static TierLimits For(Tier tier) => tier switch
    {
        Tier.Pro => Pro,
        Tier.Enterprise => Enterprise,
        _ => Free,
    };

    /// <summary>The name stored in <c>tenants.tier</c> and shown in answers.</summary>
    public static string Name(this Tier tier) => tier switch
    {
        Tier.Pro => "pro",
        Tier.Enterprise => "enterprise",
        _ => "free",
    };

    public static bool TryParse(string? name, out Tier tier)
    {
        tier = name switch { "free" => Tier.Free, "pro" => Tier.Pro, "enterprise" => Tier.Enterprise, _ => (Tier)(-1) };
        return (int)tier >= 0;
    }
}
