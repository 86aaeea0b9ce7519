namespace AgentIdP.Portal.Api;

/// <summary>The API routes the portal calls, relative to the API's base address.</summary>
public static class ApiPaths
{
    public const string Token = "/oauth2/token";
    public const string Tenant = "/api/tenant";
    public const string Agents = "/api/agents";
    public const string Billing = "/api/billing";
    public const string Upgrade = "/api/billing/upgrade";
    public const string AnalyticsTrend = "/api/analytics/trend";
    public const string AnalyticsTrendCsv = "/api/analytics/trend.csv";
    public const string AnalyticsHeatmap = "/api/analytics/heatmap";
    public const string AnalyticsSummary = "/api/analytics/summary";
    public const string ComplianceReport = "/api/compliance/report";
    public const string SignedComplianceReport = "/api/compliance/report.jws";

    public static string AgentsPage(int page, int pageSize) => $"{Agents}?page={page}&pageSize={pageSize}";
    public static string Agent(Guid id) => $"{Agents}/{id}";
    public static string DisableAgent(Guid id) => $"{Agents}/{id}/disable";
    public static string EnableAgent(Guid id) => $"{Agents}/{id}/enable";
    public static string RotateAgentSecret(Guid id) => $"{Agents}/{id}/credentials/rotate";
    public static string AgentCard(Guid id) => $"{Agents}/{id}/card";
    public static string AgentRecord(Guid id) => $"{Agents}/{id}/oasf-record";
}
