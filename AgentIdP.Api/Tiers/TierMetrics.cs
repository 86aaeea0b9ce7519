using System.Diagnostics.Metrics;

namespace AgentIdP.Api.Tiers;

/// <summary>The tier limiter's instruments (meter <c>AgentIdP.Tiers</c>).</summary>
public sealed class TierMetrics
{
    public const string MeterName = "AgentIdP.Tiers";
    private readonly Counter<long> _decisions;
    private readonly Counter<long> _failOpen;

    public TierMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _decisions = meter.CreateCounter<long>("agentidp.tiers.decisions", "{request}",
            "Limiter decisions by tier, limit and outcome (admitted, rejected, would_reject in shadow mode).");
        _failOpen = meter.CreateCounter<long>("agentidp.tiers.fail_open", "{request}",
            "Requests admitted without a daily-quota check because Redis was unavailable.");
    }

    public void Decision(Tier tier, string limit, string outcome) =>
        _decisions.Add(1, new KeyValuePair<string, object?>("tier", tier.Name()), new KeyValuePair<string, object?>("limit", limit),
            new KeyValuePair<string, object?>("outcome", outcome));

    public void FailOpen(Tier tier) => _failOpen.Add(1, new KeyValuePair<string, object?>("tier", tier.Name()));
}
