using System.Globalization;
using System.Text.Json;
using AgentIdP.Portal.Agents;
using AgentIdP.Portal.Analytics;
using AgentIdP.Portal.Api;
using Microsoft.AspNetCore.Mvc;

namespace AgentIdP.Portal.Pages.Analytics;

/// <summary>
/// Token trend (with the previous period) and agent activity heatmap for a range of UTC days, with an agent filter
/// and the trend as CSV. The data is rendered into the page as JSON; <c>wwwroot/js/analytics.js</c> draws it.
/// </summary>
public sealed class IndexModel(ApiClient api, TimeProvider clock) : PortalPageModel
{
    public static readonly int[] Presets = [7, 30, 90];
    public const string Custom = "custom";
    public const int AgentChoices = 100;

    /// <summary>Last N days (<see cref="Presets"/>) or <see cref="Custom"/> with <see cref="From"/> and <see cref="To"/>.</summary>
    [BindProperty(SupportsGet = true)]
    public string? Range { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public DateOnly? To { get; set; }

    [BindProperty(SupportsGet = true)]
    public string Bucket { get; set; } = "day";

    [BindProperty(SupportsGet = true)]
    public Guid? Agent { get; set; }

    public TrendSeries? Trend { get; private set; }
    public Heatmap? Heatmap { get; private set; }
    public UsageSummary? Summary { get; private set; }
    public IReadOnlyList<Agent> AgentList { get; private set; } = [];

    /// <summary>The API answered 404 to the analytics routes: the deployment runs with ANALYTICS_ENABLED=false.</summary>
    public bool AnalyticsOff { get; private set; }

    public bool TrendIsEmpty => Trend is { Total: 0, Previous.Total: 0 };
    public bool HeatmapIsEmpty => Heatmap is { Agents.Count: 0, Other: null };

    /// <summary>The CSV of exactly what the page shows: the resolved range, bucket and agent.</summary>
    public string CsvUrl => Microsoft.AspNetCore.WebUtilities.QueryHelpers.AddQueryString(PortalRoutes.Analytics, new Dictionary<string, string?>
    {
        ["handler"] = "Csv",
        ["range"] = Custom,
        ["from"] = Trend is null ? null : Day(Trend.From),
        ["to"] = Trend is null ? null : Day(Trend.To),
        ["bucket"] = Bucket,
        ["agent"] = Agent?.ToString(),
    });

    public async Task OnGetAsync(CancellationToken ct)
    {
        var query = Query();
        var trend = api.GetTrendAsync(query, ct);
        var heatmap = api.GetHeatmapAsync(query, ct);
        var summary = api.GetUsageSummaryAsync(ct);
        var agents = api.ListAgentsAsync(1, AgentChoices, ct);
        await Task.WhenAll(trend, heatmap, summary, agents);

        if ((await trend).Problem is { IsNotFound: true } && (await summary).Problem is { IsNotFound: true })
        {
            AnalyticsOff = true;
            return;
        }
        Trend = Take(await trend);
        Heatmap = Take(await heatmap);
        Summary = Take(await summary);
        AgentList = (await agents).Value?.Items ?? [];
        if (Trend is not null)
        {
            (From, To) = (Trend.From, Trend.To);
            Range ??= Presets.Contains(Trend.Points.Count) && Trend.Bucket == "day" && Trend.To == Today() ? Trend.Points.Count.ToString(CultureInfo.InvariantCulture) : Custom;
        }
    }

    public async Task<IActionResult> OnGetCsvAsync(CancellationToken ct)
    {
        var csv = await api.GetTrendCsvAsync(Query(), ct);
        if (csv.Succeeded) return File(csv.Value.Content, csv.Value.ContentType, csv.Value.FileName);
        Problem = csv.Problem;
        await OnGetAsync(ct);
        return Page();
    }

    /// <summary>What the charts script draws, as JSON.</summary>
    public string ChartData() => JsonSerializer.Serialize(new { trend = Trend, heatmap = Heatmap }, JsonSerializerOptions.Web);

    public static string MetricLabel(string metric) => metric switch
    {
        "token_issued" => "Tokens issued",
        "token_denied" => "Token requests denied",
        "api_call" => "API calls",
        "rate_limited" => "Rate limited",
        "quota_exceeded" => "Quota exceeded",
        _ => metric,
    };

    public static string Number(long value) => value.ToString("N0", CultureInfo.InvariantCulture);

    public static string Day(DateOnly day) => day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    /// <summary>A preset counts back from today (UTC); a custom range is sent as typed; nothing lets the API pick its default.</summary>
    private AnalyticsQuery Query()
    {
        var bucket = Bucket == "week" ? "week" : "day";
        if (int.TryParse(Range, NumberStyles.None, CultureInfo.InvariantCulture, out var days) && Presets.Contains(days))
        {
            return new AnalyticsQuery(Today().AddDays(1 - days), Today(), bucket, Agent);
        }
        return new AnalyticsQuery(Range == Custom ? From : null, Range == Custom ? To : null, bucket, Agent);
    }

    private DateOnly Today() => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    private T? Take<T>(ApiResult<T> result) where T : class
    {
        if (!result.Succeeded) Problem ??= result.Problem;
        return result.Value;
    }
}
