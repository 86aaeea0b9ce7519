using System.Threading.RateLimiting;
using AgentIdP.Api.Platform;
using Microsoft.Extensions.Options;

namespace AgentIdP.Api.Tiers;

/// <summary>
/// The per-second limit of every tenant: ASP.NET Core's rate limiter with one token bucket per (tenant, tier)
/// partition, in memory. Requests that belong to no tenant are not limited here. In shadow mode
/// (<c>TIER_ENFORCEMENT=false</c>) an empty bucket is counted and logged as a would-be rejection, and the request goes on.
/// </summary>
public sealed partial class TierLimiter
{
    private readonly PartitionedRateLimiter<HttpContext> _limiter;

    public TierLimiter(IOptions<TierOptions> options, IOptions<FeatureFlags> flags, TierMetrics metrics, LogThrottle throttle, ILogger<TierLimiter> logger)
    {
        var replicas = options.Value.Replicas;
        var enforcing = flags.Value.TierEnforcement;
        _limiter = PartitionedRateLimiter.Create<HttpContext, (Guid, Tier)>(context =>
        {
            if (TierContext.Of(context) is not { } tier) return RateLimitPartition.GetNoLimiter((Guid.Empty, Tier.Free));
            return RateLimitPartition.Get((tier.TenantId, tier.Tier), key =>
            {
                var limits = TierConfig.For(key.Item2);
                RateLimiter bucket = new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
                {
                    TokenLimit = Math.Max(1, limits.Burst / replicas),
                    TokensPerPeriod = Math.Max(1, limits.RequestsPerSecond / replicas),
                    ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                    QueueLimit = 0,
                    AutoReplenishment = true,
                });
                return enforcing ? bucket : new ShadowLimiter(bucket, () =>
                {
                    metrics.Decision(key.Item2, Limit, "would_reject");
                    if (throttle.ShouldLog(key.Item1, Limit)) LogWouldReject(logger, key.Item1, key.Item2.Name());
                });
            });
        });
    }

    public const string Limit = "requests_per_second";

    public PartitionedRateLimiter<HttpContext> Limiter => _limiter;

    /// <summary>Tokens left in the request's bucket (for the RateLimit header), or null when it is not limited.</summary>
    public long? Remaining(HttpContext context) =>
        TierContext.Of(context) is null ? null : _limiter.GetStatistics(context)?.CurrentAvailablePermits;

    [LoggerMessage(Level = LogLevel.Information, Message = "Shadow mode: tenant {TenantId} ({Tier}) is over its per-second limit; requests would be rejected (logged at most once a minute per tenant)")]
    private static partial void LogWouldReject(ILogger logger, Guid tenantId, string tier);

    /// <summary>Grants every request but reports the ones the inner limiter would have refused.</summary>
    private sealed class ShadowLimiter(RateLimiter inner, Action wouldReject) : RateLimiter
    {
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
            return Lease.Instance;
        }

        protected override void Dispose(bool disposing)
        {
            if (disposing) inner.Dispose();
            base.Dispose(disposing);
        }

        private sealed class Lease : RateLimitLease
        {
            public static readonly Lease Instance = new();
            public override bool IsAcquired => true;
            public override IEnumerable<string> MetadataNames => [];
            public override bool TryGetMetadata(string metadataName, out object? metadata)
            {
                metadata = null;
                return false;
            }
        }
    }
}
