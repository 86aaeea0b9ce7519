using System.Diagnostics.Metrics;

namespace AgentIdP.Api.Tiers;

/// <summary>The tier limiter's instruments (meter <c>AgentIdP.Tiers</c>).</summary>
public sealed class TierMetrics
{
    public const string MeterName = "AgentIdP.Tiers";
    private readonly Counter<long> _decisions;
    private readonly Counter<long> _failOpen;
    private readonly Counter<long> _unauthenticated;

    public TierMetrics(IMeterFactory meters)
    {
        var meter = meters.Create(MeterName);
        _decisions = meter.CreateCounter<long>("agentidp.tiers.decisions", "{request}",
            "Limiter decisions by tier, limit and outcome (admitted, rejected, would_reject in shadow mode).");
        _failOpen = meter.CreateCounter<long>("agentidp.tiers.fail_open", "{request}",
            "Requests decided without Redis (daily quota not counted, per-second limit local) because Redis was unavailable.");
        _unauthenticated = meter.CreateCounter<long>("agentidp.tiers.unauthenticated_rejections", "{request}",
            "Requests without an authenticated caller refused by the failed-authentication or public-read limiter.");
    }

    public void Decision(Tier tier, string limit, string outcome) =>
        _decisions.Add(1, new KeyValuePair<string, object?>("tier", tier.Name()), new KeyValuePair<string, object?>("limit", limit),
            new KeyValuePair<string, object?>("outcome", outcome));

    public void Unauthenticated(string limit) => _unauthenticated.Add(1, new KeyValuePair<string, object?>("limit", limit));

    public void FailOpen(Tier tier) => _failOpen.Add(1, new KeyValuePair<string, object?>("tier", tier.Name()));
}
