using System.Globalization;
using System.Threading.RateLimiting;
using AgentIdP.Api.Analytics;
using AgentIdP.Api.Cluster;
using AgentIdP.Api.OAuth;
using AgentIdP.Api.Platform;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace AgentIdP.Api.Tiers;

/// <summary>
/// Tier limits on every request, in one layer before the route handlers: the per-second limit (<see cref="TierLimiter"/>
/// through ASP.NET Core's rate limiting middleware), then the daily quota in Redis (<see cref="DailyQuota"/>). Limited
/// answers, successful ones included, carry the IETF <c>RateLimit-Policy</c> and <c>RateLimit</c> headers.
/// </summary>
public static partial class TierEnforcement
{
    public const string DailyQuotaLimit = "daily_quota";
    public const string UpgradePath = "/api/billing/upgrade";

    public static WebApplicationBuilder AddTierEnforcement(this WebApplicationBuilder builder)
    {
        builder.AddValidatedOptions<TierOptions, TierOptions.Validator>(TierOptions.Section);
        builder.Services.AddReplicatedState<TenantTiers, TenantTierChanged>(TenantTiers.RefreshInterval);
        builder.Services.AddSingleton<TierMetrics>();
        builder.Services.AddSingleton<LogThrottle>();
        builder.Services.AddSingleton<RedisCircuit>();
        builder.Services.AddSingleton<CounterBatch>();
        builder.Services.AddSingleton<DailyQuota>();
        builder.Services.AddSingleton<DailyQuotaGate>();
        builder.Services.AddSingleton<TierLimiter>();
        builder.Services.AddHealthChecks().AddCheck<RedisCircuit>("tier-enforcement");
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<Microsoft.AspNetCore.RateLimiting.RateLimiterOptions>().Configure<TierLimiter, TierMetrics, AnalyticsRecorder>((o, limiter, metrics, analytics) =>
        {
            o.GlobalLimiter = limiter.Limiter;
            o.OnRejected = (ctx, ct) =>
            {
                var tier = TierContext.Of(ctx.HttpContext)!;
                metrics.Decision(tier.Tier, TierLimiter.Limit, "rejected");
                analytics.Record(tier.TenantId, tier.AgentId, AnalyticsMetric.RateLimited);
                var retryAfter = ctx.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? Math.Max(1, (long)Math.Ceiling(wait.TotalSeconds)) : 1;
                return new ValueTask(WriteRejectionAsync(ctx.HttpContext, tier, TierLimiter.Limit, retryAfter,
                    $"The {tier.Tier.Name()} tier allows {tier.Limits.RequestsPerSecond} requests per second (burst {tier.Limits.Burst})."));
            };
        });
        return builder;
    }

    /// <summary>After authentication: resolve the tenant, apply the per-second limit, then the daily quota.</summary>
    public static WebApplication UseTierEnforcement(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<TierOptions>>().Value.Enabled) return app;
        app.UseMiddleware<TierContextMiddleware>();
        app.Use(AddHeaders);
        app.UseRateLimiter();
        app.UseMiddleware<DailyQuotaMiddleware>();
        return app;
    }

    // The policy of each tier never changes: formatted once, indexed by tier.
    private static readonly string[] Policies = [.. Enum.GetValues<Tier>().Select(t => TierConfig.For(t)).Select(l =>
        $"\"burst\";q={l.Burst};w=1, \"daily\";q={l.DailyQuota};w=86400")];

    /// <summary>The RateLimit headers (draft-ietf-httpapi-ratelimit-headers) on every limited answer, written as it starts.</summary>
    private static Task AddHeaders(HttpContext context, Func<Task> next)
    {
        if (TierContext.Of(context) is { } tier)
        {
            context.Response.OnStarting(() =>
            {
                var limits = tier.Limits;
                var headers = context.Response.Headers;
                headers["RateLimit-Policy"] = Policies[(int)tier.Tier];
                var burst = TierLimiter.Remaining(context) ?? 0;
                var daily = context.Features.Get<DailyCount>() is { } count
                    ? $", \"daily\";r={Math.Max(0, limits.DailyQuota - count.Value)};t={count.ResetSeconds}"
                    : "";
                headers["RateLimit"] = $"\"burst\";r={burst};t=1{daily}";
                return Task.CompletedTask;
            });
        }
        return next();
    }

    internal sealed record DailyCount(long Value, long ResetSeconds);

    internal static async Task WriteRejectionAsync(HttpContext context, TierContext tier, string limit, long retryAfterSeconds, string what)
    {
        var next = tier.Tier switch { Tier.Free => Tier.Pro, Tier.Pro => Tier.Enterprise, _ => (Tier?)null };
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status429TooManyRequests,
            Title = limit == DailyQuotaLimit ? "Daily quota exceeded" : "Rate limit exceeded",
            Type = $"https://agentidp.dev/problems/{limit.Replace('_', '-')}",
            Detail = what + (next is { } up
                ? $" Retry after {retryAfterSeconds} s, or upgrade to {up.Name()} ({TierConfig.For(up).RequestsPerSecond} requests/s, {TierConfig.For(up).DailyQuota:N0} calls/day) with POST {UpgradePath}."
                : $" Retry after {retryAfterSeconds} s, or contact support to raise your limits."),
        };
        problem.Extensions["tier"] = tier.Tier.Name();
        problem.Extensions["limit"] = limit;
        problem.Extensions["retryAfterSeconds"] = retryAfterSeconds;
        if (next is { } n) problem.Extensions["upgrade"] = new { tier = n.Name(), href = UpgradePath };
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = retryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        await context.RequestServices.GetRequiredService<IProblemDetailsService>()
            .WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }

    /// <summary>
    /// Counts the call against today's quota (<see cref="DailyQuotaGate"/>). An agent's token request is counted by the
    /// token endpoint together with the agent's bucket, in one Redis call; if the endpoint refuses the request before
    /// that (unknown client, wrong secret, bad grant), it is counted here once answered.
    /// </summary>
    private sealed class DailyQuotaMiddleware(RequestDelegate next, DailyQuotaGate gate)
    {
        public async Task InvokeAsync(HttpContext context)
        {
            var tier = TierContext.Of(context);
            if (tier is null)
            {
                await next(context);
                return;
            }
            if (tier.AgentId is not null && HttpMethods.IsPost(context.Request.Method) && context.Request.Path.Equals(OAuthEndpoints.TokenPath))
            {
                var deferred = new DeferredDailyCount(tier, gate);
                context.Features.Set(deferred);
                await next(context);
                if (!deferred.Counted) await gate.CountAnsweredAsync(tier);
                return;
            }
            if (await gate.CountAsync(context, tier)) return;
            await next(context);
        }
    }
}
