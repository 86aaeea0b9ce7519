using System.Security.Claims;
using AgentIdP.Api.Auth;
using AgentIdP.Api.Keys;
using AgentIdP.Api.Platform;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AgentIdP.Api.OAuth;

/// <summary>
/// Checks AgentIdP's own access tokens: ES256 only, a published kid, this issuer and audience, within lifetime,
/// not revoked, and not older than its client's or tenant's watermark. The API's bearer authentication and the
/// introspection endpoint share it.
/// </summary>
public sealed class TokenValidator(SigningKeyStore keys, RevocationList revocations, TokenWatermarks watermarks, TimeProvider clock,
    IOptions<IdentityOptions> options)
{
    public static readonly TimeSpan ClockSkew = TimeSpan.FromSeconds(30);

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
        ClockSkew = ClockSkew,
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
        return result.IsValid && IsLive(result.SecurityToken as JsonWebToken) ? result.ClaimsIdentity : null;
    }

    /// <summary>
    /// False when the token (its signature and lifetime already checked) was revoked by id, or issued before its client
    /// or tenant had every earlier token ended (disabled, deleted, rotated with revocation, suspended). From memory,
    /// reading the payload the handler already parsed rather than scanning the claims.
    /// </summary>
    public bool IsLive(JsonWebToken? token)
    {
        if (token is null || !token.TryGetPayloadValue(Claims.TokenId, out string? jti) || jti is null || revocations.IsRevoked(jti)) return false;
        if (!token.TryGetPayloadValue(Claims.IssuedAt, out long issuedAt)) return false;
        token.TryGetPayloadValue(Claims.ClientId, out string? clientId);
        Guid? tenant = token.TryGetPayloadValue(Claims.TenantId, out string? t) && Guid.TryParse(t, out var id) ? id : null;
        return !watermarks.Ends(clientId, tenant, issuedAt);
    }
}
