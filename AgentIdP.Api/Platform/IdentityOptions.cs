using Microsoft.Extensions.Options;

namespace AgentIdP.Api.Platform;

/// <summary>Who AgentIdP says it is in tokens and metadata, how long what it issues lives, and its bootstrap client.</summary>
public sealed class IdentityOptions
{
    public const string Section = "Identity";

    /// <summary>The issuer URL every replica puts in tokens and discovery documents (<c>Identity:Issuer</c>).</summary>
    public string Issuer { get; set; } = "";

    /// <summary>Access token lifetime in seconds (<c>Identity:AccessTokenLifetimeSeconds</c>), 60 to 86,400.</summary>
    public int AccessTokenLifetimeSeconds { get; set; } = 3600;

    /// <summary>
    /// Server-side key for the keyed hash of client secrets (<c>Identity:SecretPepper</c>, at least 32 characters).
    /// Every replica needs the same value; changing it invalidates every stored secret.
    /// </summary>
    public string SecretPepper { get; set; } = "";

    /// <summary>Default grace period, in seconds, during which a rotated-out secret still works (<c>Identity:SecretGraceSeconds</c>).</summary>
    public int SecretGraceSeconds { get; set; } = 86_400;

    /// <summary>The platform operator's bootstrap client (<c>Identity:PlatformAdmin:*</c>); no secret means no operator access.</summary>
    public PlatformAdminOptions PlatformAdmin { get; set; } = new();

    /// <summary>The per-agent token bucket on the token endpoint (<c>Identity:AgentRateLimit:*</c>).</summary>
    public AgentRateLimitOptions AgentRateLimit { get; set; } = new();

    public string IssuerWithoutSlash => Issuer.TrimEnd('/');

    public sealed class PlatformAdminOptions
    {
        public string ClientId { get; set; } = "platform-admin";
        public string ClientSecret { get; set; } = "";
    }

    public sealed class AgentRateLimitOptions
    {
        public int PerSecond { get; set; } = 100;
        public int Burst { get; set; } = 200;
    }

    public sealed class Validator : IValidateOptions<IdentityOptions>
    {
        public ValidateOptionsResult Validate(string? name, IdentityOptions o) => new ValidatedOptions.Failures()
            .Check(Uri.TryCreate(o.Issuer, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
                   && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment),
                $"{Section}:{nameof(Issuer)}", $"must be an absolute http(s) URL without query or fragment (got '{o.Issuer}').")
            .Check(o.AccessTokenLifetimeSeconds is >= 60 and <= 86_400,
                $"{Section}:{nameof(AccessTokenLifetimeSeconds)}", $"must be between 60 and 86400 (got {o.AccessTokenLifetimeSeconds}).")
            .Check(o.SecretPepper.Length >= 32,
                $"{Section}:{nameof(SecretPepper)}", "must be set to a random value of at least 32 characters, the same on every replica.")
            .Check(o.SecretGraceSeconds is >= 0 and <= 30 * 86_400,
                $"{Section}:{nameof(SecretGraceSeconds)}", $"must be between 0 and 2592000 (got {o.SecretGraceSeconds}).")
            .Check(!string.IsNullOrWhiteSpace(o.PlatformAdmin.ClientId),
                $"{Section}:PlatformAdmin:ClientId", "must not be empty.")
            .Check(o.PlatformAdmin.ClientSecret.Length is 0 or >= 32,
                $"{Section}:PlatformAdmin:ClientSecret", "must be empty (operator access off) or at least 32 characters.")
            .Check(o.AgentRateLimit.PerSecond > 0 && o.AgentRateLimit.Burst >= o.AgentRateLimit.PerSecond,
                $"{Section}:AgentRateLimit", "PerSecond must be positive and Burst at least PerSecond.")
            .Result();
    }
}
