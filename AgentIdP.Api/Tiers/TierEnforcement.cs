using AgentIdP.Api.Data;
using System.Globalization;
using System.Threading.RateLimiting;
using AgentIdP.Api.Analytics;
using AgentIdP.Api.Platform;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

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
        builder.Services.AddSingleton<TierMetrics>();
        builder.Services.AddSingleton<LogThrottle>();
        builder.Services.AddSingleton<RedisCircuit>();
        builder.Services.AddSingleton<DailyQuota>();
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

    /// <summary>The RateLimit headers (draft-ietf-httpapi-ratelimit-headers) on every limited answer, written as it starts.</summary>
    private static Task AddHeaders(HttpContext context, Func<Task> next)
    {
        if (TierContext.Of(context) is { } tier)
        {
            context.Response.OnStarting(() =>
            {
                var limits = tier.Limits;
                var headers = context.Response.Headers;
                headers["RateLimit-Policy"] = $"\"burst\";q={limits.Burst};w=1, \"daily\";q={limits.DailyQuota};w=86400";
                var burst = context.RequestServices.GetRequiredService<TierLimiter>().Remaining(context) ?? 0;
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

    /// <summary>Counts the call against today's quota; over it, rejects (or in shadow mode reports). Fails open without Redis.</summary>
    private sealed partial class DailyQuotaMiddleware(
        RequestDelegate next, DailyQuota quota, RedisCircuit circuit, TierMetrics metrics, AnalyticsRecorder analytics, IOptions<FeatureFlags> flags,
        LogThrottle throttle, ILogger<DailyQuotaMiddleware> logger)
    {
        public async Task InvokeAsync(HttpContext context)
        {
            var tier = TierContext.Of(context);
            if (tier is null || circuit.IsOpen)
            {
                if (tier is not null) metrics.FailOpen(tier.Tier);
                await next(context);
                return;
            }
            long count;
            try
            {
                count = await quota.IncrementAsync(tier.Tier, tier.TenantId);
                circuit.Success();
            }
            catch (Exception e) when (RedisUnavailable.Is(e))
            {
                circuit.Failure(e);
                metrics.FailOpen(tier.Tier);
                await next(context);
                return;
            }

            var reset = quota.SecondsToReset();
            context.Features.Set(new DailyCount(count, reset));
            if (count > tier.Limits.DailyQuota)
            {
                if (flags.Value.TierEnforcement)
                {
                    metrics.Decision(tier.Tier, DailyQuotaLimit, "rejected");
                    analytics.Record(tier.TenantId, tier.AgentId, AnalyticsMetric.QuotaExceeded);
                    await WriteRejectionAsync(context, tier, DailyQuotaLimit, reset,
                        $"The {tier.Tier.Name()} tier allows {tier.Limits.DailyQuota:N0} calls per UTC day; today's are used up.");
                    return;
                }
                metrics.Decision(tier.Tier, DailyQuotaLimit, "would_reject");
                if (throttle.ShouldLog(tier.TenantId, DailyQuotaLimit)) LogWouldReject(logger, tier.TenantId, tier.Tier.Name(), count);
            }
            await next(context);
        }

        [LoggerMessage(Level = LogLevel.Information, Message = "Shadow mode: tenant {TenantId} ({Tier}) is over its daily quota ({Count} calls); requests would be rejected (logged at most once a minute per tenant)")]
        private static partial void LogWouldReject(ILogger logger, Guid tenantId, string tier, long count);
    }
}
