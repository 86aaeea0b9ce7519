using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using AgentIdP.Api.Platform;
using Microsoft.Extensions.Options;

namespace AgentIdP.Api.Tiers;

/// <summary>
/// The per-second limit of every tenant: one token bucket per (tenant, tier) partition, in memory, behind ASP.NET Core's
/// rate limiting middleware. Requests that belong to no tenant are not limited here. In shadow mode
/// (<c>TIER_ENFORCEMENT=false</c>) an empty bucket is counted and logged as a would-be rejection, and the request goes on.
/// </summary>
/// <remarks>
/// The partitions live in a <see cref="ConcurrentDictionary{TKey,TValue}"/> rather than in
/// <c>PartitionedRateLimiter.Create</c>'s, which takes one process-wide lock on every lookup: every request of every
/// tenant queued on it. A timer tops the buckets up and forgets the ones idle for a while (a forgotten bucket was full,
/// so forgetting it changes nothing). The request's bucket is kept on its <see cref="TierContext"/> for the headers.
/// </remarks>
public sealed partial class TierLimiter : IDisposable
{
    /// <summary>How often buckets are topped up; they refill continuously, so this is the refill granularity.</summary>
    public static readonly TimeSpan ReplenishEvery = TimeSpan.FromMilliseconds(100);
    /// <summary>A bucket left alone this long is dropped.</summary>
    public static readonly TimeSpan ForgetAfter = TimeSpan.FromMinutes(2);

    private readonly ConcurrentDictionary<(Guid, Tier), RateLimiter> _buckets = new();
    private readonly Func<(Guid, Tier), RateLimiter> _create;
    private readonly Timer _timer;

    public TierLimiter(IOptions<TierOptions> options, IOptions<FeatureFlags> flags, TierMetrics metrics, LogThrottle throttle, ILogger<TierLimiter> logger)
    {
        var replicas = options.Value.Replicas;
        var enforcing = flags.Value.TierEnforcement;
        _create = key =>
        {
            var limits = TierConfig.For(key.Item2);
            var bucket = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = Math.Max(1, limits.Burst / replicas),
                TokensPerPeriod = Math.Max(1, limits.RequestsPerSecond / replicas),
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = false,
            });
            return enforcing ? bucket : new ShadowLimiter(bucket, () =>
            {
                metrics.Decision(key.Item2, Limit, "would_reject");
                if (throttle.ShouldLog(key.Item1, Limit)) LogWouldReject(logger, key.Item1, key.Item2.Name());
            });
        };
        Limiter = new Partitioned(this);
        _timer = new Timer(_ => Replenish(), null, ReplenishEvery, ReplenishEvery);
    }

    public const string Limit = "requests_per_second";

    /// <summary>The global limiter for <c>RateLimiterOptions.GlobalLimiter</c>.</summary>
    public PartitionedRateLimiter<HttpContext> Limiter { get; }

    /// <summary>Tokens left in the request's bucket (for the RateLimit header), or null when it is not limited.</summary>
    public static long? Remaining(HttpContext context) =>
        TierContext.Of(context)?.Bucket?.GetStatistics()?.CurrentAvailablePermits;

    private RateLimiter? BucketOf(HttpContext context)
    {
        if (TierContext.Of(context) is not { } tier) return null;
        return tier.Bucket ??= _buckets.GetOrAdd((tier.TenantId, tier.Tier), _create);
    }

    private void Replenish()
    {
        foreach (var (key, bucket) in _buckets)
        {
            var token = bucket is ShadowLimiter shadow ? shadow.Inner : (TokenBucketRateLimiter)bucket;
            token.TryReplenish();
            if (bucket.IdleDuration > ForgetAfter) _buckets.TryRemove(key, out _);
        }
    }

    public void Dispose() => _timer.Dispose();

    private sealed class Partitioned(TierLimiter owner) : PartitionedRateLimiter<HttpContext>
    {
        public override RateLimiterStatistics? GetStatistics(HttpContext resource) => owner.BucketOf(resource)?.GetStatistics();

        protected override RateLimitLease AttemptAcquireCore(HttpContext resource, int permitCount) =>
            owner.BucketOf(resource) is { } bucket ? bucket.AttemptAcquire(permitCount) : Unlimited.Instance;

        protected override ValueTask<RateLimitLease> AcquireAsyncCore(HttpContext resource, int permitCount, CancellationToken ct) =>
            owner.BucketOf(resource) is { } bucket ? bucket.AcquireAsync(permitCount, ct) : new(Unlimited.Instance);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Shadow mode: tenant {TenantId} ({Tier}) is over its per-second limit; requests would be rejected (logged at most once a minute per tenant)")]
    private static partial void LogWouldReject(ILogger logger, Guid tenantId, string tier);

    /// <summary>Grants every request but reports the ones the inner limiter would have refused.</summary>
    private sealed class ShadowLimiter(TokenBucketRateLimiter inner, Action wouldReject) : RateLimiter
    {
        public TokenBucketRateLimiter Inner => inner;
        public override TimeSpan? IdleDuration => inner.IdleDuration;
        public override RateLimiterStatistics? GetStatistics() => inner.GetStatistics();

        protected override RateLimitLease AttemptAcquireCore(int permitCount) => Granted(inner.AttemptAcquire(permitCount));

        protected override async ValueTask<RateLimitLease> AcquireAsyncCore(int permitCount, CancellationToken ct) =>
            Granted(await inner.AcquireAsync(permitCount, ct));

        private RateLimitLease Granted(RateLimitLease lease)
        {
            if (lease.IsAcquired) return lease;
            lease.Dispose();
            wouldReject();
            return Unlimited.Instance;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }
    }

    /// <summary>A granted lease with no metadata: requests of no tenant, and shadow mode's would-be rejections.</summary>
    private sealed class Unlimited : RateLimitLease
    {
        public static readonly Unlimited Instance = new();
        public override bool IsAcquired => true;
        public override IEnumerable<string> MetadataNames => [];
        public override bool TryGetMetadata(string metadataName, out object? metadata)
        {
            metadata = null;
            return false;
        }
    }
}
