using AgentIdP.Api.Data;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentIdP.Api.Keys;
using AgentIdP.Api.OAuth;
using AgentIdP.Api.Platform;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AgentIdP.Api.Compliance;

/// <summary>
/// Signs agent cards: a detached JWS (RFC 7515 appendix F) over the JCS form of the card without <c>signatures</c>,
/// with the active key. ECDSA signatures differ on every signing, so a signature is kept per (agent, key, content)
/// in Redis and in memory: every replica then serves the same bytes under the same ETag until the card or the key changes.
/// </summary>
public sealed partial class CardSigner(SigningKeyStore keys, IConnectionMultiplexer redis, IOptions<IdentityOptions> options, ILogger<CardSigner> logger)
{
    public const string HeaderType = "JOSE";
    private static readonly TimeSpan KeepFor = TimeSpan.FromDays(1);
    private readonly MemoryCache _memory = new(new MemoryCacheOptions { SizeLimit = 100_000 });
    private readonly string _jku = options.Value.IssuerWithoutSlash + OAuthEndpoints.JwksPath;

    public static string RedisKey(Guid agentId, string kid, string contentHash) => $"compliance:card-sig:{agentId}:{kid}:{contentHash}";

    /// <summary>The <c>signatures[]</c> entry for <paramref name="card"/> (which must not hold <c>signatures</c> yet).</summary>
    public async Task<JsonObject> SignAsync(Guid agentId, JsonObject card, CancellationToken ct)
    {
        var key = keys.Active;
        var payload = Jcs.Canonicalize(card);
        var cacheKey = RedisKey(agentId, key.Kid, Convert.ToHexStringLower(SHA256.HashData(payload)));
        if (!_memory.TryGetValue(cacheKey, out string? jws))
        {
            jws = await SharedAsync(cacheKey, () => Sign(key, payload), ct);
            _memory.Set(cacheKey, jws, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = KeepFor });
        }
        var dot = jws!.IndexOf('.');
        return new JsonObject { ["protected"] = jws[..dot], ["signature"] = jws[(dot + 1)..] };
    }

    private string Sign(SigningKey key, byte[] payload)
    {
        var header = Jcs.Canonicalize(new JsonObject { ["alg"] = SigningKey.Algorithm, ["kid"] = key.Kid, ["typ"] = HeaderType, ["jku"] = _jku });
        var (encodedHeader, signature) = key.SignDetached(Base64Url.Encode(header), payload);
        return $"{encodedHeader}.{signature}";
    }

    /// <summary>The signature another replica already made for this content, else ours (first writer wins).</summary>
    private async Task<string> SharedAsync(string cacheKey, Func<string> sign, CancellationToken ct)
    {
        var mine = sign();
        try
        {
            var database = redis.GetDatabase();
            if (await database.StringSetAsync(cacheKey, mine, KeepFor, When.NotExists)) return mine;
            return (string?)await database.StringGetAsync(cacheKey) ?? mine;
        }
        catch (Exception e) when (RedisUnavailable.Is(e))
        {
            // Without Redis the card is still signed and valid; only its bytes may differ between replicas.
            LogRedisUnavailable(logger, e.Message);
            return mine;
        }
    }

    /// <summary>
    /// Checks every <c>signatures[]</c> entry of <paramref name="card"/> against the published JWKS: ES256, a published
    /// kid, and a signature over the JCS form of the card without <c>signatures</c>. Null when all verify, else why not.
    /// </summary>
    public static string? Verify(JsonObject card, ReadOnlyMemory<byte> jwksJson)
    {
        if (card["signatures"] is not JsonArray { Count: > 0 } signatures) return "the card carries no signature";
        var unsigned = card.DeepClone().AsObject();
        unsigned.Remove("signatures");
        var payload = Base64Url.Encode(Jcs.Canonicalize(unsigned));
        using var jwks = JsonDocument.Parse(jwksJson);
        foreach (var entry in signatures)
        {
            var protectedHeader = entry?["protected"]?.GetValue<string>() ?? "";
            var signature = entry?["signature"]?.GetValue<string>() ?? "";
            JsonNode? header;
            try
            {
                header = JsonNode.Parse(Base64Url.Decode(protectedHeader));
            }
            catch (Exception e) when (e is FormatException or JsonException)
            {
                return "a signature's protected header is not base64url JSON";
            }
            var alg = header?["alg"]?.GetValue<string>();
            var kid = header?["kid"]?.GetValue<string>();
            if (alg != SigningKey.Algorithm) return $"signature algorithm is {alg ?? "missing"}, expected {SigningKey.Algorithm}";
            var jwk = jwks.RootElement.GetProperty("keys").EnumerateArray()
                .FirstOrDefault(k => k.TryGetProperty("kid", out var id) && id.GetString() == kid);
            if (jwk.ValueKind != JsonValueKind.Object) return $"kid {kid} is not in the published JWKS";
            using var ecdsa = ECDsa.Create(new ECParameters
            {
                Curve = ECCurve.NamedCurves.nistP256,
                Q = new ECPoint { X = Base64Url.Decode(jwk.GetProperty("x").GetString()!), Y = Base64Url.Decode(jwk.GetProperty("y").GetString()!) },
            });
            byte[] signatureBytes;
            try
            {
                signatureBytes = Base64Url.Decode(signature);
            }
            catch (FormatException)
            {
                return "a signature is not base64url";
            }
            if (!ecdsa.VerifyData(Encoding.ASCII.GetBytes($"{protectedHeader}.{payload}"), signatureBytes,
                    HashAlgorithmName.SHA256, DSASignatureFormat.IeeeP1363FixedFieldConcatenation))
            {
                return $"the signature by kid {kid} does not verify over the card's JCS form";
            }
        }
        return null;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis unavailable for card signatures; signing without sharing: {Reason}")]
    private static partial void LogRedisUnavailable(ILogger logger, string reason);
}
