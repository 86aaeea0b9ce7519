using AgentIdP.Api.Analytics;

namespace AgentIdP.Api.Tiers;

/// <summary>How far back a tenant's analytics go: its tier's history.</summary>
internal sealed class TierAnalyticsHistory(TenantTiers tiers) : IAnalyticsHistory
{
    public AnalyticsHistory For(Guid tenantId)
    {
        var tier = tiers.Get(tenantId);
        return new AnalyticsHistory(TierConfig.For(tier).AnalyticsHistoryDays, tier.Name());
    }
}
