using AgentIdP.Api.Platform;
using Microsoft.Extensions.Options;

namespace AgentIdP.Api.Tiers;

/// <summary>How the limits are applied (<c>Tiers:*</c>). The tier table itself is <see cref="TierConfig"/>.</summary>
public sealed class TierOptions
{
    public const string Section = "Tiers";

    /// <summary>
    /// <c>false</c> removes the tier layer altogether, so a benchmark can measure what it costs. Not a production switch:
    /// for rolling out, <c>TIER_ENFORCEMENT=false</c> (shadow mode) is the way.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>
    /// Failed client authentications (and rejected bearer tokens), per source address: they never touch a tenant's
    /// limits. The named client id has a bucket of its own (<see cref="FailedAuthenticationPerClient"/>).
    /// </summary>
    public LocalLimit FailedAuthenticationPerAddress { get; set; } = new() { PerSecond = 10, Burst = 50 };

    /// <summary>Failed client authentications naming one client id, from anywhere.</summary>
    public LocalLimit FailedAuthenticationPerClient { get; set; } = new() { PerSecond = 5, Burst = 20 };

    /// <summary>Unauthenticated reads (DID documents, agent cards, OASF records, discovery, JWKS) per source address.</summary>
    public LocalLimit PublicReadsPerAddress { get; set; } = new() { PerSecond = 200, Burst = 400 };

    public sealed class LocalLimit
    {
        public int PerSecond { get; set; }
        public int Burst { get; set; }
    }

    public sealed class Validator : IValidateOptions<TierOptions>
    {
        public ValidateOptionsResult Validate(string? name, TierOptions o) => new ValidatedOptions.Failures()
            .Check(Valid(o.FailedAuthenticationPerAddress), $"{Section}:{nameof(FailedAuthenticationPerAddress)}", Rule)
            .Check(Valid(o.FailedAuthenticationPerClient), $"{Section}:{nameof(FailedAuthenticationPerClient)}", Rule)
            .Check(Valid(o.PublicReadsPerAddress), $"{Section}:{nameof(PublicReadsPerAddress)}", Rule)
            .Result();

        private const string Rule = "PerSecond must be positive and Burst at least PerSecond.";
        private static bool Valid(LocalLimit l) => l.PerSecond > 0 && l.Burst >= l.PerSecond;
    }
}
