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

    /// <summary>The longest access token lifetime that may be configured (a day).</summary>
    public const int MaxAccessTokenLifetimeSeconds = 86_400;

    /// <summary>
    /// Server-side key for the keyed hash of client secrets (<c>Identity:SecretPepper</c>, at least 32 characters).
    /// Every replica needs the same value; changing it invalidates every stored secret.
    /// </summary>
    public string SecretPepper { get; set; } = "";

    /// <summary>Default grace period, in seconds, during which a rotated-out secret still works (<c>Identity:SecretGraceSeconds</c>).</summary>
    public int SecretGraceSeconds { get; set; } = 86_400;

    /// <summary>The longest a rotated-out secret may keep working, whether configured or asked for in a rotation (30 days).</summary>
    public const int MaxSecretGraceSeconds = 30 * 86_400;

    /// <summary>The grace of one rotation: the one asked for, else the configured default; null when outside 0..<see cref="MaxSecretGraceSeconds"/>.</summary>
    public TimeSpan? SecretGrace(int? requestedSeconds) =>
        (requestedSeconds ?? SecretGraceSeconds) is var seconds && IsValidSecretGrace(seconds) ? TimeSpan.FromSeconds(seconds) : null;

    public static bool IsValidSecretGrace(int seconds) => seconds is >= 0 and <= MaxSecretGraceSeconds;

    public static string SecretGraceRange => $"between 0 and {MaxSecretGraceSeconds}";

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
            .Check(o.AccessTokenLifetimeSeconds is >= 60 and <= MaxAccessTokenLifetimeSeconds,
                $"{Section}:{nameof(AccessTokenLifetimeSeconds)}", $"must be between 60 and 86400 (got {o.AccessTokenLifetimeSeconds}).")
            .Check(o.SecretPepper.Length >= 32,
                $"{Section}:{nameof(SecretPepper)}", "must be set to a random value of at least 32 characters, the same on every replica.")
            .Check(IsValidSecretGrace(o.SecretGraceSeconds),
                $"{Section}:{nameof(SecretGraceSeconds)}", $"must be {SecretGraceRange} (got {o.SecretGraceSeconds}).")
            .Check(!string.IsNullOrWhiteSpace(o.PlatformAdmin.ClientId),
                $"{Section}:PlatformAdmin:ClientId", "must not be empty.")
            .Check(o.PlatformAdmin.ClientSecret.Length is 0 or >= 32,
                $"{Section}:PlatformAdmin:ClientSecret", "must be empty (operator access off) or at least 32 characters.")
            .Check(o.AgentRateLimit.PerSecond > 0 && o.AgentRateLimit.Burst >= o.AgentRateLimit.PerSecond,
                $"{Section}:AgentRateLimit", "PerSecond must be positive and Burst at least PerSecond.")
            .Result();
    }
}
