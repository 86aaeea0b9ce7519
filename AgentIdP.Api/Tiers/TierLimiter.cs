using System.Threading.RateLimiting;
using AgentIdP.Api.Analytics;
using AgentIdP.Api.Data;
using AgentIdP.Api.Platform;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AgentIdP.Api.Tiers;

/// <summary>
/// Every limit decision, behind ASP.NET Core's rate limiting middleware (the global limiter), after authentication:
/// <list type="bullet">
/// <item>a tenant's request: its tier's per-second rate, its daily quota and, for an agent's token request, the agent's
/// own bucket, in one Redis round trip (<see cref="LimitBatch"/>): exact across any number of replicas. While Redis is
/// away, a local bucket at the tier's rate divided by the replicas seen alive (<see cref="ReplicaCensus"/>);</item>
/// <item>a failed authentication: buckets per source address and per named client id, in memory, that never touch a
/// tenant's limits;</item>
/// <item>an anonymous read: a bucket per source address, in memory.</item>
/// </list>
/// Requests of no tenant that authenticated (the platform operator) and health probes are not limited.
/// In shadow mode (<c>TIER_ENFORCEMENT=false</c>) tenants' would-be refusals are measured and logged, not made.
/// </summary>
public sealed partial class TierLimiter : PartitionedRateLimiter<HttpContext>
{
    public const string TenantRate = "requests_per_second";
    public const string DailyQuotaLimit = "daily_quota";
    public const string AgentRate = "agent_requests_per_second";
    public const string FailedAuthentication = "failed_authentication";
    public const string PublicReads = "public_reads";
    public const string UpgradePath = "/api/billing/upgrade";

    private readonly LimitBatch _batch;
    private readonly RedisCircuit _circuit;
    private readonly DailyQuota _quota;
    private readonly ReplicaCensus _census;
    private readonly TierMetrics _metrics;
    private readonly AnalyticsRecorder _analytics;
    private readonly LogThrottle _throttle;
    private readonly ILogger<TierLimiter> _logger;
    private readonly bool _enforce;
    private readonly int _agentRate;
    private readonly int _agentBurst;
    private readonly LocalBuckets<(Guid, Tier)> _fallback;
    private readonly LocalBuckets<string> _failedByAddress;
    private readonly LocalBuckets<string> _failedByClient;
    private readonly LocalBuckets<string> _publicByAddress;

    public TierLimiter(LimitBatch batch, RedisCircuit circuit, DailyQuota quota, ReplicaCensus census, TierMetrics metrics,
        AnalyticsRecorder analytics, LogThrottle throttle, IOptions<TierOptions> options, IOptions<FeatureFlags> flags,
        IOptions<IdentityOptions> identity, ILogger<TierLimiter> logger)
    {
        (_batch, _circuit, _quota, _census, _metrics, _analytics, _throttle, _logger) = (batch, circuit, quota, census, metrics, analytics, throttle, logger);
        _enforce = flags.Value.TierEnforcement;
        _agentRate = identity.Value.AgentRateLimit.PerSecond;
        _agentBurst = identity.Value.AgentRateLimit.Burst;
        _fallback = new(key =>
        {
            var limits = TierConfig.For(key.Item2);
            return (limits.RequestsPerSecond / census.Count, limits.Burst / census.Count);
        });
        census.Changed += _fallback.Clear;
        var o = options.Value;
        _failedByAddress = new(_ => (o.FailedAuthenticationPerAddress.PerSecond, o.FailedAuthenticationPerAddress.Burst));
        _failedByClient = new(_ => (o.FailedAuthenticationPerClient.PerSecond, o.FailedAuthenticationPerClient.Burst));
        _publicByAddress = new(_ => (o.PublicReadsPerAddress.PerSecond, o.PublicReadsPerAddress.Burst));
    }

    public static RedisKey RateKey(Guid tenantId) => $"rate:tenant:{tenantId}";
    public static RedisKey AgentKey(Guid agentId) => $"rate:agent:{agentId}";

    public override RateLimiterStatistics? GetStatistics(HttpContext resource) => null;

    // A tenant's request is decided in Redis, asynchronously: "not now" sends the middleware on to AcquireAsync.
    protected override RateLimitLease AttemptAcquireCore(HttpContext resource, int permitCount) =>
        TierContext.Of(resource) is not null ? Lease.Undecided : DecideLocally(resource);

    protected override ValueTask<RateLimitLease> AcquireAsyncCore(HttpContext resource, int permitCount, CancellationToken ct) =>
        TierContext.Of(resource) is { } tier ? DecideAsync(tier) : new(DecideLocally(resource));

    private async ValueTask<RateLimitLease> DecideAsync(TierContext tier)
    {
        if (_circuit.IsOpen) return Fallback(tier);
        var limits = tier.Limits;
        var (quotaKey, expireAt) = _quota.Slot(tier.Tier, tier.TenantId);
        var call = new LimitCall(RateKey(tier.TenantId), limits.RequestsPerSecond, limits.Burst, quotaKey, expireAt, limits.DailyQuota,
            tier.DrawsAgentBucket ? AgentKey(tier.AgentId!.Value) : default, _agentRate, _agentBurst, _enforce, tier.OverQuotaAllowed);
        LimitResult result;
        try
        {
            result = await _batch.DecideAsync(call);
        }
        catch (Exception e) when (RedisUnavailable.Is(e))
        {
            _circuit.Failure(e);
            return Fallback(tier);
        }
        _circuit.Success();
        tier.Result = result;
        tier.Remaining = result.Remaining;
        if (result.Refused == LimitOutcome.Admitted) return Lease.Admitted;
        var limit = result.Refused switch
        {
            LimitOutcome.DailyQuota => DailyQuotaLimit,
            LimitOutcome.AgentRate => AgentRate,
            _ => TenantRate,
        };
        if (!_enforce && limit != AgentRate)
        {
            _metrics.Decision(tier.Tier, limit, "would_reject");
            if (_throttle.ShouldLog(tier.TenantId, limit)) LogWouldReject(_logger, tier.TenantId, tier.Tier.Name(), limit);
            return Lease.Admitted;
        }
        var retryAfter = limit == DailyQuotaLimit ? _quota.SecondsToReset() : Seconds(result.RetryAfterMs);
        return Refuse(tier, limit, retryAfter);
    }

    /// <summary>Redis is away: the tenant's share of its per-second limit, in memory; the daily quota is not counted.</summary>
    private RateLimitLease Fallback(TierContext tier)
    {
        _metrics.FailOpen(tier.Tier);
        var key = (tier.TenantId, tier.Tier);
        var wait = _fallback.TryTake(key);
        tier.Remaining = _fallback.Available(key);
        if (wait is null) return Lease.Admitted;
        if (!_enforce)
        {
            _metrics.Decision(tier.Tier, TenantRate, "would_reject");
            return Lease.Admitted;
        }
        return Refuse(tier, TenantRate, Seconds((long)wait.Value.TotalMilliseconds));
    }

    private RateLimitLease Refuse(TierContext tier, string limit, long retryAfter)
    {
        _metrics.Decision(tier.Tier, limit, "rejected");
        _analytics.Record(tier.TenantId, tier.AgentId, limit == DailyQuotaLimit ? AnalyticsMetric.QuotaExceeded : AnalyticsMetric.RateLimited);
        // The agent's bucket refuses only token requests: each is a denied token request too.
        if (limit == AgentRate) _analytics.Record(tier.TenantId, tier.AgentId, AnalyticsMetric.TokenDenied);
        return new Lease(TierRefusals.For(tier, limit, retryAfter, _census.Count, _circuit.IsOpen));
    }

    private RateLimitLease DecideLocally(HttpContext context)
    {
        if (Unauthenticated.Of(context) is not { } caller) return Lease.Admitted;
        if (caller.Failed)
        {
            var wait = _failedByAddress.TryTake(caller.Address);
            if (caller.NamedClientId is { Length: > 0 } named) wait = Longer(wait, _failedByClient.TryTake(named));
            if (wait is null) return Lease.Admitted;
            _metrics.Unauthenticated(FailedAuthentication);
            return new Lease(TierRefusals.FailedAuthentication(Seconds((long)wait.Value.TotalMilliseconds)));
        }
        if (_publicByAddress.TryTake(caller.Address) is not { } publicWait) return Lease.Admitted;
        _metrics.Unauthenticated(PublicReads);
        return new Lease(TierRefusals.PublicReads(Seconds((long)publicWait.TotalMilliseconds)));
    }

    private static TimeSpan? Longer(TimeSpan? a, TimeSpan? b) => a is null ? b : b is null ? a : a > b ? a : b;

    private static long Seconds(long milliseconds) => Math.Max(1, (milliseconds + 999) / 1000);

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _census.Changed -= _fallback.Clear;
            _fallback.Dispose();
            _failedByAddress.Dispose();
            _failedByClient.Dispose();
            _publicByAddress.Dispose();
        }
        base.Dispose(disposing);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Shadow mode: tenant {TenantId} ({Tier}) is over its {Limit} limit; requests would be rejected (logged at most once a minute per tenant and limit)")]
    private static partial void LogWouldReject(ILogger logger, Guid tenantId, string tier, string limit);

    /// <summary>A decision: admitted, undecided (ask asynchronously), or refused with the reason.</summary>
    internal sealed class Lease(LimitRefusal? refusal, bool acquired = false) : RateLimitLease
    {
        public static readonly Lease Admitted = new(null, acquired: true);
        public static readonly Lease Undecided = new(null);

        public LimitRefusal? Refusal { get; } = refusal;
        public override bool IsAcquired { get; } = acquired;
        public override IEnumerable<string> MetadataNames => Refusal is null ? [] : [MetadataName.RetryAfter.Name];

        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = Refusal is not null && metadataName == MetadataName.RetryAfter.Name ? TimeSpan.FromSeconds(Refusal.RetryAfterSeconds) : null;
            return metadata is not null;
        }

        // Shared instances hold nothing to release.
        protected override void Dispose(bool disposing) { }
    }
}
