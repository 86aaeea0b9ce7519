using Microsoft.Extensions.Options;

namespace AgentIdP.Api.Platform;

/// <summary>Who AgentIdP says it is in tokens and metadata, and how long what it issues lives.</summary>
public sealed class IdentityOptions
{
    public const string Section = "Identity";

    /// <summary>The issuer URL every replica puts in tokens and discovery documents (<c>Identity:Issuer</c>).</summary>
    public string Issuer { get; set; } = "";

    /// <summary>Access token lifetime in seconds (<c>Identity:AccessTokenLifetimeSeconds</c>), 60 to 86,400.</summary>
    public int AccessTokenLifetimeSeconds { get; set; } = 3600;

    public string IssuerWithoutSlash => Issuer.TrimEnd('/');

    public sealed class Validator : IValidateOptions<IdentityOptions>
    {
        public ValidateOptionsResult Validate(string? name, IdentityOptions o) => new ValidatedOptions.Failures()
            .Check(Uri.TryCreate(o.Issuer, UriKind.Absolute, out var uri) && (uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp)
                   && string.IsNullOrEmpty(uri.Query) && string.IsNullOrEmpty(uri.Fragment),
                $"{Section}:{nameof(Issuer)}", $"must be an absolute http(s) URL without query or fragment (got '{o.Issuer}').")
            .Check(o.AccessTokenLifetimeSeconds is >= 60 and <= 86_400,
                $"{Section}:{nameof(AccessTokenLifetimeSeconds)}", $"must be between 60 and 86400 (got {o.AccessTokenLifetimeSeconds}).")
            .Result();
    }
}
