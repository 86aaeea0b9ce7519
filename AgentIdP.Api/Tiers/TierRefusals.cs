using AgentIdP.Api.Platform;

namespace AgentIdP.Api.Tiers;

/// <summary>What a refusal says: which limit, of which tier, when to come back, and the way up.</summary>
internal static class TierRefusals
{
    public static LimitRefusal For(TierContext tier, string limit, long retryAfter, int replicas, bool local)
    {
        var limits = tier.Limits;
        var (title, what) = limit switch
        {
            TierLimiter.DailyQuotaLimit => ("Daily quota exceeded",
                $"The {tier.Tier.Name()} tier allows {limits.DailyQuota:N0} calls per UTC day; today's are used up."),
            TierLimiter.AgentRate => ("Rate limit exceeded", "Too many token requests for this agent; retry after the Retry-After delay."),
            _ when local => ("Rate limit exceeded",
                $"The {tier.Tier.Name()} tier allows {limits.RequestsPerSecond} requests per second (burst {limits.Burst}); while the limit store is unavailable each of the {replicas} replicas allows its share."),
            _ => ("Rate limit exceeded", $"The {tier.Tier.Name()} tier allows {limits.RequestsPerSecond} requests per second (burst {limits.Burst})."),
        };
        if (limit == TierLimiter.AgentRate) return new LimitRefusal(limit, title, what, retryAfter, new Dictionary<string, object?> { ["limit"] = limit, ["retryAfterSeconds"] = retryAfter });

        var next = tier.Tier switch { Tier.Free => Tier.Pro, Tier.Pro => Tier.Enterprise, _ => (Tier?)null };
        var detail = what + (next is { } up
            ? $" Retry after {retryAfter} s, or upgrade to {up.Name()} ({TierConfig.For(up).RequestsPerSecond} requests/s, {TierConfig.For(up).DailyQuota:N0} calls/day) with POST {TierLimiter.UpgradePath}."
            : $" Retry after {retryAfter} s, or contact support to raise your limits.");
        var extensions = new Dictionary<string, object?>
        {
            ["tier"] = tier.Tier.Name(),
            ["limit"] = limit,
            ["retryAfterSeconds"] = retryAfter,
        };
        if (next is { } n) extensions["upgrade"] = new { tier = n.Name(), href = TierLimiter.UpgradePath };
        return new LimitRefusal(limit, title, detail, retryAfter, extensions);
    }

    public static LimitRefusal FailedAuthentication(long retryAfter) => new(TierLimiter.FailedAuthentication, "Too many failed authentications",
        $"Too many failed authentications from this address or for this client; retry after {retryAfter} s. Requests that authenticate are not affected.",
        retryAfter, new Dictionary<string, object?> { ["limit"] = TierLimiter.FailedAuthentication, ["retryAfterSeconds"] = retryAfter });

    public static LimitRefusal PublicReads(long retryAfter) => new(TierLimiter.PublicReads, "Rate limit exceeded",
        $"Too many unauthenticated requests from this address; retry after {retryAfter} s.",
        retryAfter, new Dictionary<string, object?> { ["limit"] = TierLimiter.PublicReads, ["retryAfterSeconds"] = retryAfter });
}
