using System.Threading.RateLimiting;
using AgentIdP.Api.Platform;
using AgentIdP.Api.Tiers;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace AgentIdP.Api.Tests.Tiers;

/// <summary>The per-second buckets: one per tenant and tier, topped up by the limiter's own timer.</summary>
public sealed class TierLimiterTests : IDisposable
{
    private readonly TierLimiter _limiter = new(Options.Create(new TierOptions()), Options.Create(new FeatureFlags { TierEnforcement = true }),
        new TierMetrics(new ServiceCollection().AddMetrics().BuildServiceProvider().GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()),
        new LogThrottle(TimeProvider.System), NullLogger<TierLimiter>.Instance);

    public void Dispose() => _limiter.Dispose();

    [Fact]
    public async Task A_tenant_gets_its_burst_then_is_refused_then_refilled()
    {
        var tenant = Guid.NewGuid();
        var admitted = 0;
        while (Acquire(tenant, Tier.Free, out _)) admitted++;
        Assert.Equal(TierConfig.Free.Burst, admitted);
        Assert.False(Acquire(tenant, Tier.Free, out var context));
        Assert.Equal(0, TierLimiter.Remaining(context));

        // The limiter's timer tops the bucket up (10 tokens a second on the free tier).
        var refilled = false;
        for (var attempt = 0; attempt < 100 && !refilled; attempt++)
        {
            await Task.Delay(50);
            refilled = Acquire(tenant, Tier.Free, out _);
        }
        Assert.True(refilled, "the bucket was not topped up within 5 s");
    }

    [Fact]
    public void Each_tenant_and_tier_has_its_own_bucket_and_requests_of_no_tenant_are_not_limited()
    {
        var drained = Guid.NewGuid();
        while (Acquire(drained, Tier.Free, out _)) { }

        Assert.True(Acquire(Guid.NewGuid(), Tier.Free, out var other));
        Assert.Equal(TierConfig.Free.Burst - 1, TierLimiter.Remaining(other));
        Assert.True(Acquire(drained, Tier.Pro, out _)); // After an upgrade the tenant counts against the new tier's bucket.

        var anonymous = new DefaultHttpContext();
        for (var i = 0; i < 1_000; i++)
        {
            using var lease = _limiter.Limiter.AttemptAcquire(anonymous);
            Assert.True(lease.IsAcquired);
        }
        Assert.Null(TierLimiter.Remaining(anonymous));
    }

    /// <summary>One request of the tenant, as the rate limiting middleware makes it.</summary>
    private bool Acquire(Guid tenant, Tier tier, out HttpContext context)
    {
        context = new DefaultHttpContext();
        context.Features.Set(new TierContext(tenant, null, tier));
        using RateLimitLease lease = _limiter.Limiter.AttemptAcquire(context);
        return lease.IsAcquired;
    }
}
