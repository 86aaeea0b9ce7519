using AgentIdP.Api.Analytics;
using AgentIdP.Api.Data;
using AgentIdP.Api.OAuth;
using AgentIdP.Api.Platform;
using Microsoft.Extensions.Options;

namespace AgentIdP.Api.Tiers;

/// <summary>
/// The daily quota decision for one request: count the call in Redis (behind the <see cref="RedisCircuit"/>), then
/// admit it, reject it with 429, or in shadow mode report that it would have been rejected. Without Redis the call is
/// admitted uncounted (fail open).
/// </summary>
public sealed partial class DailyQuotaGate(
    DailyQuota quota, RedisCircuit circuit, TierMetrics metrics, AnalyticsRecorder analytics, IOptions<FeatureFlags> flags,
    LogThrottle throttle, ILogger<DailyQuotaGate> logger)
{
    /// <summary>Counts the call; true when it was rejected and the answer is written.</summary>
    public async Task<bool> CountAsync(HttpContext context, TierContext tier)
    {
        if (!Available(tier)) return false;
        long count;
        try
        {
            count = await quota.IncrementAsync(tier.Tier, tier.TenantId);
        }
        catch (Exception e) when (RedisUnavailable.Is(e))
        {
            Failed(tier, e);
            return false;
        }
        return await DecideAsync(context, tier, count);
    }

    /// <summary>Counts a call that has already been answered (refused before its count was taken).</summary>
    public async Task CountAnsweredAsync(TierContext tier)
    {
        if (!Available(tier)) return;
        try
        {
            await quota.IncrementAsync(tier.Tier, tier.TenantId);
            circuit.Success();
        }
        catch (Exception e) when (RedisUnavailable.Is(e))
        {
            Failed(tier, e);
        }
    }

    /// <summary>The agent's token bucket and today's count in one Redis call; see <see cref="DeferredDailyCount"/>.</summary>
    internal async Task<(bool Rejected, TimeSpan? Wait)> TakeWithBucketAsync(HttpContext context, TierContext tier, AgentRateLimiter bucket, Guid agentId)
    {
        if (!Available(tier)) return (false, await bucket.TryTakeAsync(agentId));
        (TimeSpan? Wait, long Count) taken;
        try
        {
            var (key, expireAt) = quota.Slot(tier.Tier, tier.TenantId);
            taken = await bucket.TryTakeCountingAsync(agentId, key, expireAt, tier.Limits.DailyQuota, flags.Value.TierEnforcement);
        }
        catch (Exception e) when (RedisUnavailable.Is(e))
        {
            Failed(tier, e);
            return (false, null);
        }
        return await DecideAsync(context, tier, taken.Count) ? (true, null) : (false, taken.Wait);
    }

    /// <summary>False (and counted as a fail-open decision) while the circuit keeps callers away from Redis.</summary>
    private bool Available(TierContext tier)
    {
        if (!circuit.IsOpen) return true;
        metrics.FailOpen(tier.Tier);
        return false;
    }

    private void Failed(TierContext tier, Exception e)
    {
        circuit.Failure(e);
        metrics.FailOpen(tier.Tier);
    }

    /// <summary>Given today's count including this call: false to admit it; true when it was rejected (answer written).</summary>
    private async Task<bool> DecideAsync(HttpContext context, TierContext tier, long count)
    {
        circuit.Success();
        var reset = quota.SecondsToReset();
        context.Features.Set(new TierEnforcement.DailyCount(count, reset));
        if (count <= tier.Limits.DailyQuota) return false;
        if (flags.Value.TierEnforcement)
        {
            metrics.Decision(tier.Tier, TierEnforcement.DailyQuotaLimit, "rejected");
            analytics.Record(tier.TenantId, tier.AgentId, AnalyticsMetric.QuotaExceeded);
            await TierEnforcement.WriteRejectionAsync(context, tier, TierEnforcement.DailyQuotaLimit, reset,
                $"The {tier.Tier.Name()} tier allows {tier.Limits.DailyQuota:N0} calls per UTC day; today's are used up.");
            return true;
        }
        metrics.Decision(tier.Tier, TierEnforcement.DailyQuotaLimit, "would_reject");
        if (throttle.ShouldLog(tier.TenantId, TierEnforcement.DailyQuotaLimit)) LogWouldReject(logger, tier.TenantId, tier.Tier.Name(), count);
        return false;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Shadow mode: tenant {TenantId} ({Tier}) is over its daily quota ({Count} calls); requests would be rejected (logged at most once a minute per tenant)")]
    private static partial void LogWouldReject(ILogger logger, Guid tenantId, string tier, long count);
}

/// <summary>
/// Left on an agent's token request by the tier layer: the token endpoint counts the call when it takes from the
/// agent's bucket, in the same Redis round trip, which saves one round trip on the busiest path.
/// </summary>
public sealed class DeferredDailyCount(TierContext tier, DailyQuotaGate gate)
{
    public bool Counted { get; private set; }

    /// <summary>Rejected: over the daily quota, answer written. Otherwise Wait says whether the agent's bucket is empty.</summary>
    public Task<(bool Rejected, TimeSpan? Wait)> TakeAsync(HttpContext context, AgentRateLimiter bucket, Guid agentId)
    {
        Counted = true;
        return gate.TakeWithBucketAsync(context, tier, bucket, agentId);
    }
}
