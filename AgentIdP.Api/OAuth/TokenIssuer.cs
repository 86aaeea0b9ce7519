using AgentIdP.Api.Auth;
using System.Buffers;
using System.Security.Cryptography;
using System.Text.Json;
using AgentIdP.Api.Keys;
using AgentIdP.Api.Platform;
using Microsoft.Extensions.Options;

namespace AgentIdP.Api.OAuth;

/// <summary>Access tokens: JWT (RFC 9068 profile), ES256, signed with the active key from memory.</summary>
public sealed class TokenIssuer(SigningKeyStore keys, TokenWatermarks watermarks, TimeProvider clock, IOptions<IdentityOptions> options)
{
    private readonly string _issuer = options.Value.IssuerWithoutSlash;
    private readonly int _lifetime = options.Value.AccessTokenLifetimeSeconds;

    public int LifetimeSeconds => _lifetime;

    /// <summary>
    /// A token for the client, issued now; in the second its client or tenant had earlier tokens ended, iat is the next
    /// second, so the new token is not ended with them (<see cref="TokenWatermarks"/>).
    /// </summary>
    public string Issue(ClientRecord client, string scope) =>
        Issue(keys.Active, _issuer, _lifetime,
            Math.Max(clock.GetUtcNow().ToUnixTimeSeconds(), watermarks.IssuedAtFloor(client.ClientId, client.TenantId)), client, scope);

    /// <summary>The token itself: claims written straight to UTF-8, one signature. Static so benchmarks can call it alone.</summary>
    public static string Issue(SigningKey key, string issuer, int lifetime, long now, ClientRecord client, string scope)
    {
        var buffer = new ArrayBufferWriter<byte>(512);
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString(Claims.Issuer, issuer);
            json.WriteString(Claims.Subject, client.ClientId);
            json.WriteString(Claims.Audience, issuer);
            json.WriteNumber(Claims.IssuedAt, now);
            json.WriteNumber(Claims.NotBefore, now);
            json.WriteNumber(Claims.Expires, now + lifetime);
            json.WriteString(Claims.TokenId, Base64Url.Encode(RandomNumberGenerator.GetBytes(16)));
            json.WriteString(Claims.ClientId, client.ClientId);
            json.WriteString(Claims.Scope, scope);
            if (client.TenantId is { } tenant) json.WriteString(Claims.TenantId, tenant);
            if (client.AgentId is { } agent) json.WriteString(Claims.AgentId, agent);
            json.WriteEndObject();
        }
        return key.Sign(key.EncodedHeader(SigningKey.AccessTokenType), buffer.WrittenSpan);
    }
}
