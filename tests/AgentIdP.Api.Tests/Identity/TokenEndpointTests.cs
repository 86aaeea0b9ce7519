using System.Net;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using AgentIdP.TestSupport;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Protocols;
using Microsoft.IdentityModel.Protocols.OpenIdConnect;
using Microsoft.IdentityModel.Tokens;

namespace AgentIdP.Api.Tests.Identity;

public sealed class TokenEndpointTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private HttpClient Http => api.Http;

    [Fact]
    public async Task A_standard_oidc_client_discovers_the_idp_and_verifies_a_client_secret_basic_token_against_the_jwks()
    {
        var tenant = await Http.CreateTenantAsync();
        var agent = await Http.CreateAgentAsync(await Http.AdminTokenAsync(tenant));

        var token = await Http.TokenAsync(agent.ClientId, agent.ClientSecret);

        // Microsoft.IdentityModel's own discovery client, as any relying party would use it.
        var config = await new ConfigurationManager<OpenIdConnectConfiguration>(
            $"{ApiFactory.TestIssuer}/.well-known/openid-configuration", new OpenIdConnectConfigurationRetriever(),
            new HttpDocumentRetriever(Http) { RequireHttps = false }).GetConfigurationAsync(default);
        var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
        {
            ValidIssuer = config.Issuer, ValidAudience = ApiFactory.TestIssuer, IssuerSigningKeys = config.SigningKeys,
        });

        Assert.True(result.IsValid, result.Exception?.Message);
        var jwt = (JsonWebToken)result.SecurityToken;
        Assert.Equal("ES256", jwt.Alg);
        Assert.Contains(config.SigningKeys, k => k.KeyId == jwt.Kid);
        Assert.Equal(agent.ClientId, jwt.Subject);
        Assert.Equal(agent.ClientId, jwt.GetClaim("client_id").Value);
        Assert.Equal(tenant.TenantId.ToString(), jwt.GetClaim("tenant_id").Value);
        Assert.Equal("a2a:invoke", jwt.GetClaim("scope").Value);
        Assert.False(string.IsNullOrEmpty(jwt.Id));
        Assert.True(jwt.ValidTo > DateTime.UtcNow);
    }

    [Fact]
    public async Task Client_secret_post_issues_a_token()
    {
        var tenant = await Http.CreateTenantAsync();
        var agent = await Http.CreateAgentAsync(await Http.AdminTokenAsync(tenant));

        using var response = await Http.PostAsync("/oauth2/token", Form(("grant_type", "client_credentials"),
            ("client_id", agent.ClientId), ("client_secret", agent.ClientSecret)));
        var body = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Bearer", body["token_type"]!.GetValue<string>());
        Assert.Equal(3600, body["expires_in"]!.GetValue<int>());
        Assert.Equal("no-store", response.Headers.CacheControl?.ToString());
    }

    [Fact]
    public async Task Private_key_jwt_issues_a_token_and_a_replayed_assertion_is_rejected()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(key) { KeyId = "agent-key-1" });
        var publicJwk = new JsonObject { ["kty"] = "EC", ["crv"] = "P-256", ["x"] = jwk.X, ["y"] = jwk.Y, ["kid"] = "agent-key-1" };
        var tenant = await Http.CreateTenantAsync();
        var agent = await Http.CreateAgentAsync(await Http.AdminTokenAsync(tenant),
            new { name = "Keyed", jwks = new JsonObject { ["keys"] = new JsonArray(publicJwk) } });

        var assertion = Assertion(agent.ClientId, key, "agent-key-1");
        using var first = await Http.PostAsync("/oauth2/token", AssertionForm(assertion));
        using var replay = await Http.PostAsync("/oauth2/token", AssertionForm(assertion));
        using var otherKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        using var forged = await Http.PostAsync("/oauth2/token", AssertionForm(Assertion(agent.ClientId, otherKey, "agent-key-1")));

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, replay.StatusCode);
        Assert.Contains("already used", await replay.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.Unauthorized, forged.StatusCode);
    }

    [Fact]
    public async Task A_wrong_secret_is_invalid_client_with_www_authenticate()
    {
        var tenant = await Http.CreateTenantAsync();
        var agent = await Http.CreateAgentAsync(await Http.AdminTokenAsync(tenant));

        using var wrong = await Http.RequestTokenAsync(agent.ClientId, agent.ClientSecret + "x");
        using var unknown = await Http.RequestTokenAsync("agt_nobody", agent.ClientSecret);

        foreach (var response in new[] { wrong, unknown })
        {
            Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
            Assert.Equal("invalid_client", JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!.GetValue<string>());
            Assert.StartsWith("Basic", response.Headers.WwwAuthenticate.ToString());
        }
        // The same description for both: nothing tells which client ids exist.
        Assert.Equal(await wrong.Content.ReadAsStringAsync(), await unknown.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task A_disabled_agent_gets_no_token_until_enabled_again()
    {
        var tenant = await Http.CreateTenantAsync();
        var admin = await Http.AdminTokenAsync(tenant);
        var agent = await Http.CreateAgentAsync(admin);

        await Http.SendJsonAsync(HttpMethod.Post, $"/api/agents/{agent.AgentId}/disable", admin);
        using var disabled = await Http.RequestTokenAsync(agent.ClientId, agent.ClientSecret);
        await Http.SendJsonAsync(HttpMethod.Post, $"/api/agents/{agent.AgentId}/enable", admin);
        using var enabled = await Http.RequestTokenAsync(agent.ClientId, agent.ClientSecret);

        Assert.Equal(HttpStatusCode.Unauthorized, disabled.StatusCode);
        Assert.Contains("disabled", await disabled.Content.ReadAsStringAsync());
        Assert.Equal(HttpStatusCode.OK, enabled.StatusCode);
    }

    [Theory]
    [InlineData("password", "unsupported_grant_type")]
    [InlineData("authorization_code", "unsupported_grant_type")]
    [InlineData("", "invalid_request")]
    public async Task Grants_other_than_client_credentials_are_refused_per_rfc_6749(string grant, string error)
    {
        var tenant = await Http.CreateTenantAsync();
        using var response = await Http.PostAsync("/oauth2/token", Form(("grant_type", grant),
            ("client_id", tenant.ClientId), ("client_secret", tenant.ClientSecret)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(error, JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Requested_scopes_narrow_the_token_and_ungranted_scopes_are_invalid_scope()
    {
        var tenant = await Http.CreateTenantAsync();
        var agent = await Http.CreateAgentAsync(await Http.AdminTokenAsync(tenant), new { name = "Scoped", scopes = new[] { "a2a:invoke", "invoices:read" } });

        var narrowed = new JsonWebToken(await Http.TokenAsync(agent.ClientId, agent.ClientSecret, "invoices:read"));
        var all = new JsonWebToken(await Http.TokenAsync(agent.ClientId, agent.ClientSecret));
        using var refused = await Http.RequestTokenAsync(agent.ClientId, agent.ClientSecret, "invoices:read tenant:admin");

        Assert.Equal("invoices:read", narrowed.GetClaim("scope").Value);
        Assert.Equal("a2a:invoke invoices:read", all.GetClaim("scope").Value);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Equal("invalid_scope", JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["error"]!.GetValue<string>());
    }

    [Fact]
    public async Task Json_bodies_and_two_auth_methods_at_once_are_invalid_request()
    {
        var tenant = await Http.CreateTenantAsync();
        using var json = await Http.PostAsync("/oauth2/token", new StringContent("{\"grant_type\":\"client_credentials\"}", System.Text.Encoding.UTF8, "application/json"));
        using var both = new HttpRequestMessage(HttpMethod.Post, "/oauth2/token")
        {
            Content = Form(("grant_type", "client_credentials"), ("client_id", tenant.ClientId), ("client_secret", tenant.ClientSecret)),
        };
        both.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String("a:b"u8.ToArray()));
        using var twice = await Http.SendAsync(both);

        Assert.Equal(HttpStatusCode.BadRequest, json.StatusCode);
        Assert.Equal("invalid_request", JsonNode.Parse(await json.Content.ReadAsStringAsync())!["error"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.BadRequest, twice.StatusCode);
    }

    [Fact]
    public async Task A_rotated_secret_keeps_working_for_its_grace_period_only()
    {
        var tenant = await Http.CreateTenantAsync();
        var admin = await Http.AdminTokenAsync(tenant);
        var agent = await Http.CreateAgentAsync(admin);

        var graceful = await Http.SendJsonAsync(HttpMethod.Post, $"/api/agents/{agent.AgentId}/credentials/rotate", admin, new { gracePeriodSeconds = 600 });
        var second = graceful["clientSecret"]!.GetValue<string>();
        using var oldDuringGrace = await Http.RequestTokenAsync(agent.ClientId, agent.ClientSecret);
        using var newOne = await Http.RequestTokenAsync(agent.ClientId, second);
        var immediate = await Http.SendJsonAsync(HttpMethod.Post, $"/api/agents/{agent.AgentId}/credentials/rotate", admin, new { gracePeriodSeconds = 0 });
        using var secondAfterImmediate = await Http.RequestTokenAsync(agent.ClientId, second);
        using var third = await Http.RequestTokenAsync(agent.ClientId, immediate["clientSecret"]!.GetValue<string>());

        Assert.Equal(HttpStatusCode.OK, oldDuringGrace.StatusCode);
        Assert.Equal(HttpStatusCode.OK, newOne.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, secondAfterImmediate.StatusCode);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        Assert.StartsWith("sk_", second);
        Assert.True(second.Length >= 46, "256 bits of randomness, base64url");
    }

    [Fact]
    public async Task Discovery_documents_agree_with_each_other_and_with_the_issuer()
    {
        var oidc = JsonNode.Parse(await Http.GetStringAsync("/.well-known/openid-configuration"))!;
        var oauth = JsonNode.Parse(await Http.GetStringAsync("/.well-known/oauth-authorization-server"))!;
        var jwks = JsonNode.Parse(await Http.GetStringAsync("/.well-known/jwks.json"))!;

        Assert.Equal(ApiFactory.TestIssuer, oidc["issuer"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(oidc, oauth));
        Assert.Equal($"{ApiFactory.TestIssuer}/oauth2/token", oidc["token_endpoint"]!.GetValue<string>());
        Assert.Equal($"{ApiFactory.TestIssuer}/.well-known/jwks.json", oidc["jwks_uri"]!.GetValue<string>());
        var key = jwks["keys"]!.AsArray().Single()!.AsObject();
        Assert.Equal("EC", key["kty"]!.GetValue<string>());
        Assert.False(key.ContainsKey("d"), "the JWKS must not publish private key material");
    }

    internal static string Assertion(string clientId, ECDsa key, string kid) => new JsonWebTokenHandler().CreateToken(new SecurityTokenDescriptor
    {
        Issuer = clientId,
        Audience = $"{ApiFactory.TestIssuer}/oauth2/token",
        Claims = new Dictionary<string, object> { ["sub"] = clientId, ["jti"] = Guid.NewGuid().ToString() },
        Expires = DateTime.UtcNow.AddMinutes(2),
        SigningCredentials = new SigningCredentials(new ECDsaSecurityKey(key) { KeyId = kid }, SecurityAlgorithms.EcdsaSha256),
    });

    internal static FormUrlEncodedContent AssertionForm(string assertion) => Form(("grant_type", "client_credentials"),
        ("client_assertion_type", "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"), ("client_assertion", assertion));

    internal static FormUrlEncodedContent Form(params (string Key, string Value)[] fields) =>
        new(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value)));
}
