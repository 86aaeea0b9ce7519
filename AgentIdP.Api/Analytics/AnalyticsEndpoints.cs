using System.Security.Claims;
using System.Text;
using AgentIdP.Api.Auth;
using AgentIdP.Api.Platform;

namespace AgentIdP.Api.Analytics;

/// <summary>Query values of the trend endpoints; every one is optional.</summary>
public sealed record TrendQuery(string? From, string? To, string? Bucket, string? AgentId, string? Metric);

/// <summary>
/// Recording (token endpoint, tier limiter, authenticated API calls) and the tenant admin's analytics: trend with the
/// previous period, heatmap, usage summary and CSV. With <c>ANALYTICS_ENABLED=false</c> nothing is recorded and the
/// endpoints are not mapped (404).
/// </summary>
public static class AnalyticsEndpoints
{
    public const string GroupPath = "/api/analytics";
    public const int DefaultTop = 10;
    public const int MaxTop = 50;

    public static WebApplicationBuilder AddAnalytics(this WebApplicationBuilder builder)
    {
        builder.AddValidatedOptions<AnalyticsOptions, AnalyticsOptions.Validator>(AnalyticsOptions.Section);
        builder.Services.AddSingleton<AnalyticsTelemetry>();
        builder.Services.AddSingleton<AnalyticsRecorder>();
        builder.Services.AddSingleton<AnalyticsQueries>();
        builder.Services.AddSingleton<AnalyticsFlusher>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AnalyticsFlusher>());
        builder.Services.AddSingleton<AnalyticsRetention>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<AnalyticsRetention>());
        return builder;
    }

    /// <summary>Counts every authenticated call (after authentication, before anything can reject it) as an API call.</summary>
    public static WebApplication UseAnalytics(this WebApplication app)
    {
        var recorder = app.Services.GetRequiredService<AnalyticsRecorder>();
        if (!recorder.Enabled) return app;
        app.Use((context, next) =>
        {
            // API calls made with a bearer token; the OAuth endpoints record their own metrics.
            if (context.User.TenantIdOrNull() is { } tenant && !context.User.IsClient())
            {
                recorder.Record(tenant, context.User.AgentIdOrNull(), AnalyticsMetric.ApiCall);
            }
            return next(context);
        });
        return app;
    }

    public static WebApplication MapAnalytics(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<AnalyticsRecorder>().Enabled) return app;
        var group = app.MapGroup(GroupPath).WithTags("Analytics").RequireTenantAdmin();
        group.MapGet("/trend", Trend).WithSummary("A metric per day or week over a range, with the previous period of the same length");
        group.MapGet("/trend.csv", TrendCsv).WithSummary("The trend series as CSV").Produces(StatusCodes.Status200OK, contentType: "text/csv");
        group.MapGet("/heatmap", Heatmap).WithSummary("Activity of the most active agents per day, the rest summed as other");
        group.MapGet("/summary", Summary).WithSummary("Each metric today and this month (UTC)");
        return app;
    }

    private static async Task<Results<Ok<TrendSeries>, ProblemHttpResult>> Trend(
        [AsParameters] TrendQuery query, ClaimsPrincipal user, AnalyticsQueries queries, IAnalyticsHistory history, TimeProvider clock, CancellationToken ct)
    {
        var (series, problem) = await TrendAsync(query, user, queries, history, clock, ct);
        return series is null ? problem! : TypedResults.Ok(series);
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> TrendCsv(
        [AsParameters] TrendQuery query, ClaimsPrincipal user, AnalyticsQueries queries, IAnalyticsHistory history, TimeProvider clock, CancellationToken ct)
    {
        var (series, problem) = await TrendAsync(query, user, queries, history, clock, ct);
        if (series is null) return problem!;
        var name = $"{series.Metric}-{AnalyticsRangeRules.Format(series.From)}-{AnalyticsRangeRules.Format(series.To)}-{series.Bucket}.csv";
        return TypedResults.File(Encoding.UTF8.GetBytes(TrendSeriesBuilder.ToCsv(series)), "text/csv; charset=utf-8", name);
    }

    private static async Task<(TrendSeries?, ProblemHttpResult?)> TrendAsync(
        TrendQuery query, ClaimsPrincipal user, AnalyticsQueries queries, IAnalyticsHistory history, TimeProvider clock, CancellationToken ct)
    {
        var tenant = user.TenantId();
        var today = Today(clock);
        var plan = history.For(tenant);
        if (AnalyticsRangeRules.TryResolve(query.From, query.To, today, plan, out var range) is { } bad) return (null, bad);
        TrendBucket bucket;
        switch (query.Bucket)
        {
            case null or "" or "day": bucket = TrendBucket.Day; break;
            case "week": bucket = TrendBucket.Week; break;
            default: return (null, Problems.BadRequest("bucket must be day or week."));
        }
        var metric = AnalyticsMetric.TokenIssued;
        if (!string.IsNullOrEmpty(query.Metric) && !AnalyticsMetrics.TryParse(query.Metric, out metric))
        {
            return (null, Problems.BadRequest($"metric must be one of: {AnalyticsMetrics.NameList}."));
        }
        Guid? agent = null;
        if (!string.IsNullOrEmpty(query.AgentId))
        {
            if (!Guid.TryParse(query.AgentId, out var id)) return (null, Problems.BadRequest("agentId must be a UUID."));
            if (!await queries.AgentExistsAsync(tenant, id, ct)) return (null, Problems.NotFound("agent"));
            agent = id;
        }
        var horizon = AnalyticsRangeRules.Horizon(today, plan);
        var daily = await queries.DailyTotalsAsync(tenant, metric, TrendSeriesBuilder.DaysNeeded(range, horizon), agent, ct);
        return (TrendSeriesBuilder.Build(metric, agent, bucket, range, horizon, daily), null);
    }

    private static async Task<Results<Ok<Heatmap>, ProblemHttpResult>> Heatmap(
        string? from, string? to, int? top, ClaimsPrincipal user, AnalyticsQueries queries, IAnalyticsHistory history, TimeProvider clock, CancellationToken ct)
    {
        var tenant = user.TenantId();
        if (AnalyticsRangeRules.TryResolve(from, to, Today(clock), history.For(tenant), out var range) is { } bad) return bad;
        if (top is < 1 or > MaxTop) return Problems.BadRequest($"top must be between 1 and {MaxTop}.");
        return TypedResults.Ok(await queries.HeatmapAsync(tenant, range, top ?? DefaultTop, ct));
    }

    private static async Task<Ok<UsageSummary>> Summary(ClaimsPrincipal user, AnalyticsQueries queries, TimeProvider clock, CancellationToken ct) =>
        TypedResults.Ok(await queries.SummaryAsync(user.TenantId(), Today(clock), ct));

    private static DateOnly Today(TimeProvider clock) => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
}
