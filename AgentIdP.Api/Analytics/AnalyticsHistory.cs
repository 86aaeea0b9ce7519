namespace AgentIdP.Api.Analytics;

/// <summary>How many days of analytics a tenant may see, and the name of the plan that sets it (for messages).</summary>
public sealed record AnalyticsHistory(int Days, string Plan);

/// <summary>
/// Where a tenant's analytics history comes from. Tiers implements it (the history is part of a tier), so Analytics,
/// which Tiers and OAuth record into, imports neither.
/// </summary>
public interface IAnalyticsHistory
{
    AnalyticsHistory For(Guid tenantId);
}
