using AgentIdP.Api.Auth;
using System.Security.Claims;
using AgentIdP.Api.Keys;
using AgentIdP.Api.Platform;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AgentIdP.Api.OAuth;

/// <summary>
/// Checks AgentIdP's own access tokens: ES256 only, a published kid, this issuer and audience, within lifetime,
/// not revoked. The API's bearer authentication and the introspection endpoint share it.
/// </summary>
public sealed class TokenValidator(SigningKeyStore keys, RevocationList revocations, TimeProvider clock, IOptions<IdentityOptions> options)
{
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };

    public TokenValidationParameters Parameters { get; } = new()
    {
        ValidIssuer = options.Value.IssuerWithoutSlash,
        ValidAudience = options.Value.IssuerWithoutSlash,
        ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256],
        ValidTypes = [SigningKey.AccessTokenType],
        RequireSignedTokens = true,
        RequireExpirationTime = true,
        ValidateIssuerSigningKey = true,
        ClockSkew = TimeSpan.FromSeconds(30),
        IssuerSigningKeyResolver = (_, _, kid, _) => keys.VerificationKeys(kid),
        NameClaimType = Claims.Subject,
        LifetimeValidator = (notBefore, expires, _, p) =>
        {
            var now = clock.GetUtcNow().UtcDateTime;
            return expires is not null && expires.Value > now - p.ClockSkew && (notBefore is null || notBefore.Value <= now + p.ClockSkew);
        },
    };

    /// <summary>The token's claims when it is valid and not revoked, else null.</summary>
    public async Task<ClaimsIdentity?> ValidateAsync(string token)
    {
        if (token.Length > 8192) return null;
        var result = await _handler.ValidateTokenAsync(token, Parameters);
        if (!result.IsValid) return null;
        var jti = result.ClaimsIdentity.FindFirst(Claims.TokenId)?.Value;
        return jti is null || revocations.IsRevoked(jti) ? null : result.ClaimsIdentity;
    }
}
