using AgentIdP.Portal.Analytics;
using AgentIdP.Portal.Api;

namespace AgentIdP.Portal;

public sealed partial class ApiClient
{
    public Task<ApiResult<TrendSeries>> GetTrendAsync(AnalyticsQuery query, CancellationToken ct) =>
        SendAsync<TrendSeries>(HttpMethod.Get, ApiPaths.AnalyticsTrend + query.TrendQueryString(), body: null, ct);

    public Task<ApiResult<FileDownload>> GetTrendCsvAsync(AnalyticsQuery query, CancellationToken ct) =>
        SendAsync<FileDownload>(HttpMethod.Get, ApiPaths.AnalyticsTrendCsv + query.TrendQueryString(), body: null, ct);

    public Task<ApiResult<Heatmap>> GetHeatmapAsync(AnalyticsQuery query, CancellationToken ct) =>
        SendAsync<Heatmap>(HttpMethod.Get, ApiPaths.AnalyticsHeatmap + query.HeatmapQueryString(), body: null, ct);

    public Task<ApiResult<UsageSummary>> GetUsageSummaryAsync(CancellationToken ct) =>
        SendAsync<UsageSummary>(HttpMethod.Get, ApiPaths.AnalyticsSummary, body: null, ct);
}
