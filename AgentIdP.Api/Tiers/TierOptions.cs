using AgentIdP.Api.Platform;
using Microsoft.Extensions.Options;

namespace AgentIdP.Api.Tiers;

/// <summary>How the tier limits are applied (<c>Tiers:*</c>).</summary>
public sealed class TierOptions
{
    public const string Section = "Tiers";

    /// <summary>
    /// How many API replicas share the traffic. Per-second limits are kept by each replica in memory, so each enforces
    /// its share (the tier's rate divided by this) and the cluster as a whole enforces the tier's rate.
    /// </summary>
    public int Replicas { get; set; } = 1;

    /// <summary>
    /// <c>false</c> removes the tier layer altogether, so a benchmark can measure what it costs. Not a production switch:
    /// for rolling out, <c>TIER_ENFORCEMENT=false</c> (shadow mode) is the way.
    /// </summary>
    public bool Enabled { get; set; } = true;

    public sealed class Validator : IValidateOptions<TierOptions>
    {
        public ValidateOptionsResult Validate(string? name, TierOptions o) => new ValidatedOptions.Failures()
            .Check(o.Replicas is >= 1 and <= 64, $"{Section}:{nameof(Replicas)}", $"must be between 1 and 64 (got {o.Replicas}).")
            .Result();
    }
}
