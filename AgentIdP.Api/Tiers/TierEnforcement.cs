using System.Globalization;
using AgentIdP.Api.Analytics;
using AgentIdP.Api.Cluster;
using AgentIdP.Api.Platform;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace AgentIdP.Api.Tiers;

/// <summary>
/// The limits of every request, in one layer after authentication and before the route handlers: ASP.NET Core's rate
/// limiting middleware with <see cref="TierLimiter"/> as its global limiter. A refusal is a 429 with <c>Retry-After</c>,
/// written in the endpoint's own error shape (<see cref="ILimitRefusalWriter"/>; ProblemDetails by default). A tenant's
/// answers, successful ones included, carry the IETF <c>RateLimit-Policy</c> and <c>RateLimit</c> headers.
/// </summary>
public static class TierEnforcement
{
    public static WebApplicationBuilder AddTierEnforcement(this WebApplicationBuilder builder)
    {
        builder.AddValidatedOptions<TierOptions, TierOptions.Validator>(TierOptions.Section);
        builder.Services.AddReplicatedState<TenantTiers, TenantTierChanged>(TenantTiers.RefreshInterval);
        builder.Services.AddSingleton<TierMetrics>();
        builder.Services.AddSingleton<LogThrottle>();
        builder.Services.AddSingleton<RedisCircuit>();
        builder.Services.AddSingleton<LimitBatch>();
        builder.Services.AddSingleton<DailyQuota>();
        builder.Services.AddSingleton<ReplicaCensus>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ReplicaCensus>());
        builder.Services.AddSingleton<TierLimiter>();
        builder.Services.AddSingleton<IAnalyticsHistory, TierAnalyticsHistory>();
        builder.Services.AddHealthChecks().AddCheck<RedisCircuit>("tier-enforcement");
        builder.Services.AddRateLimiter(_ => { });
        builder.Services.AddOptions<RateLimiterOptions>().Configure<TierLimiter>((o, limiter) =>
        {
            o.GlobalLimiter = limiter;
            o.OnRejected = (ctx, _) => new ValueTask(ctx.Lease is TierLimiter.Lease { Refusal: { } refusal }
                ? WriteRefusalAsync(ctx.HttpContext, refusal)
                : Task.CompletedTask);
        });
        return builder;
    }

    /// <summary>After authentication: find whose limits apply, then let the rate limiting middleware decide.</summary>
    public static WebApplication UseTierEnforcement(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<TierOptions>>().Value.Enabled) return app;
        app.UseMiddleware<TierContextMiddleware>();
        var quota = app.Services.GetRequiredService<DailyQuota>();
        app.Use((context, next) => AddHeaders(context, next, quota));
        app.UseRateLimiter();
        return app;
    }

    // The policy of each tier never changes: formatted once, indexed by tier.
    private static readonly string[] Policies = [.. Enum.GetValues<Tier>().Select(TierConfig.For).Select(Policy)];

    /// <summary>
    /// <c>"rate"</c>: q requests per w = 1 second sustained, with a bucket of <c>burst</c>; <c>"daily"</c>: q calls per UTC day.
    /// Both exactly what <see cref="TierLimiter"/> enforces, whatever the number of replicas.
    /// </summary>
    public static string Policy(TierLimits l) =>
        FormattableString.Invariant($"\"rate\";q={l.RequestsPerSecond};w=1;burst={l.Burst}, \"daily\";q={l.DailyQuota};w=86400");

    /// <summary>The RateLimit headers (draft-ietf-httpapi-ratelimit-headers) on a tenant's answers, written as they start.</summary>
    private static Task AddHeaders(HttpContext context, Func<Task> next, DailyQuota quota)
    {
        if (TierContext.Of(context) is { } tier)
        {
            context.Response.OnStarting(() =>
            {
                var limits = tier.Limits;
                var headers = context.Response.Headers;
                headers["RateLimit-Policy"] = Policies[(int)tier.Tier];
                // t: seconds until the bucket holds a full burst again.
                var refill = (long)Math.Ceiling((limits.Burst - tier.Remaining) / (double)limits.RequestsPerSecond);
                var daily = tier.Result is { DailyCount: > 0 } result
                    ? $", \"daily\";r={Math.Max(0, limits.DailyQuota - result.DailyCount)};t={quota.SecondsToReset()}"
                    : "";
                headers["RateLimit"] = $"\"rate\";r={tier.Remaining};t={Math.Max(0, refill)}{daily}";
                return Task.CompletedTask;
            });
        }
        return next();
    }

    private static Task WriteRefusalAsync(HttpContext context, LimitRefusal refusal)
    {
        context.Response.StatusCode = StatusCodes.Status429TooManyRequests;
        context.Response.Headers.RetryAfter = refusal.RetryAfterSeconds.ToString(CultureInfo.InvariantCulture);
        if (context.GetEndpoint()?.Metadata.GetMetadata<ILimitRefusalWriter>() is { } writer) return writer.WriteAsync(context, refusal);
        var problem = new ProblemDetails
        {
            Status = StatusCodes.Status429TooManyRequests,
            Title = refusal.Title,
            Type = $"https://agentidp.dev/problems/{refusal.Limit.Replace('_', '-')}",
            Detail = refusal.Detail,
        };
        foreach (var (key, value) in refusal.Extensions) problem.Extensions[key] = value;
        return context.RequestServices.GetRequiredService<IProblemDetailsService>()
            .WriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem }).AsTask();
    }
}
