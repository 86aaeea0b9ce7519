using AgentIdP.Api.Platform;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AgentIdP.Api.Keys;
using AgentIdP.TestSupport;
using Microsoft.Extensions.DependencyInjection;

namespace AgentIdP.Reliability.Tests;

/// <summary>Tokens an attacker might present. Each one is refused by the API and reported inactive by introspection.</summary>
public sealed class TokenAbuseTests : IAsyncLifetime
{
    private ApiFactory _api = null!;
    private HttpClient _http = null!;
    private TestApi.TenantCredentials _tenant = null!;
    private JsonObject _claims = null!;
    private string _valid = null!;

    public async Task InitializeAsync()
    {
        _api = await ApiFactory.CreateAsync();
        _http = _api.CreateClient();
        _tenant = await _http.CreateTenantAsync();
        _valid = await _http.AdminTokenAsync(_tenant);
        _claims = JsonNode.Parse(Base64Url.Decode(_valid.Split('.')[1]))!.AsObject();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _api.DisposeAsync();
    }

    public static TheoryData<string> Abuses() =>
    [
        "expired", "not yet valid", "wrong issuer", "wrong audience", "alg none", "HS256 signed with the public key",
        "unknown kid", "tampered payload", "signature stripped", "garbage",
    ];

    [Theory]
    [MemberData(nameof(Abuses))]
    public async Task An_abusive_token_is_rejected_by_the_api_and_inactive_in_introspection(string abuse)
    {
        var token = Forge(abuse);

        using var call = await _http.SendAsync(TestApi.Authorized(HttpMethod.Get, "/api/tenant", token));
        using var introspect = await _http.PostAsync("/oauth2/introspect", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = token, ["client_id"] = _tenant.ClientId, ["client_secret"] = _tenant.ClientSecret,
        }));

        Assert.Equal(HttpStatusCode.Unauthorized, call.StatusCode);
        Assert.False(JsonNode.Parse(await introspect.Content.ReadAsStringAsync())!["active"]!.GetValue<bool>());
    }

    [Fact]
    public async Task The_untampered_control_token_is_accepted()
    {
        // Proves the forgeries above fail for what was changed, not because the harness is broken.
        using var call = await _http.SendAsync(TestApi.Authorized(HttpMethod.Get, "/api/tenant", Forge("control")));
        Assert.Equal(HttpStatusCode.OK, call.StatusCode);
    }

    private string Forge(string abuse)
    {
        var key = _api.Services.GetRequiredService<SigningKeyStore>().Active;
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var claims = _claims.DeepClone().AsObject();
        claims["jti"] = Guid.NewGuid().ToString();
        string header = key.EncodedHeader(SigningKey.AccessTokenType);
        switch (abuse)
        {
            case "expired":
                claims["iat"] = now - 7200; claims["nbf"] = now - 7200; claims["exp"] = now - 3600;
                break;
            case "not yet valid":
                claims["iat"] = now + 3600; claims["nbf"] = now + 3600; claims["exp"] = now + 7200;
                break;
            case "wrong issuer":
                claims["iss"] = "https://evil.example";
                break;
            case "wrong audience":
                claims["aud"] = "https://some-other-api.example";
                break;
            case "alg none":
                return $"{Json(new JsonObject { ["alg"] = "none", ["typ"] = "at+jwt" })}.{Json(claims)}.";
            case "HS256 signed with the public key":
            {
                var hs = Json(new JsonObject { ["alg"] = "HS256", ["typ"] = "at+jwt", ["kid"] = key.Kid });
                var input = $"{hs}.{Json(claims)}";
                var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(key.PublicJwk().ToJsonString()), Encoding.ASCII.GetBytes(input));
                return $"{input}.{Base64Url.Encode(mac)}";
            }
            case "unknown kid":
            {
                using var stranger = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                var other = new SigningKey("not-published", stranger, null, null);
                return other.Sign(other.EncodedHeader(SigningKey.AccessTokenType), Encoding.UTF8.GetBytes(claims.ToJsonString()));
            }
            case "tampered payload":
            {
                var parts = _valid.Split('.');
                var widened = JsonNode.Parse(Base64Url.Decode(parts[1]))!.AsObject();
                widened["scope"] = "platform:admin tenant:admin";
                return $"{parts[0]}.{Json(widened)}.{parts[2]}";
            }
            case "signature stripped":
                return string.Join('.', _valid.Split('.')[..2]) + ".";
            case "garbage":
                return "eyJhbGciOiJFUzI1NiJ9.not-json.AAAA";
        }
        return key.Sign(header, Encoding.UTF8.GetBytes(claims.ToJsonString()));
    }

    private static string Json(JsonObject o) => Base64Url.Encode(Encoding.UTF8.GetBytes(o.ToJsonString()));
}
