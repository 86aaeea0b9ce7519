using System.Net;
using System.Text.Json.Nodes;
using AgentIdP.TestSupport;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AgentIdP.Api.Tests.Identity;

/// <summary>Behaviour that spans replicas: two API instances over one Postgres and one Redis.</summary>
public sealed class KeysAndRevocationTests
{
    [Fact]
    public async Task After_key_rotation_old_tokens_still_verify_and_new_tokens_use_the_new_key()
    {
        await using var api = await ApiFactory.CreateAsync();
        using var http = api.CreateClient();
        var tenant = await http.CreateTenantAsync();
        var before = await http.AdminTokenAsync(tenant);

        var rotated = await http.SendJsonAsync(HttpMethod.Post, "/api/platform/keys/rotate", await http.PlatformTokenAsync());
        var after = await http.AdminTokenAsync(tenant);
        var jwks = new JsonWebKeySet(await http.GetStringAsync("/.well-known/jwks.json"));

        Assert.NotEqual(new JsonWebToken(before).Kid, new JsonWebToken(after).Kid);
        Assert.Equal(rotated["kid"]!.GetValue<string>(), new JsonWebToken(after).Kid);
        foreach (var token in new[] { before, after })
        {
            var result = await new JsonWebTokenHandler().ValidateTokenAsync(token, new TokenValidationParameters
            {
                ValidIssuer = ApiFactory.TestIssuer, ValidAudience = ApiFactory.TestIssuer, IssuerSigningKeys = jwks.GetSigningKeys(),
            });
            Assert.True(result.IsValid, result.Exception?.Message);
            // The API itself still accepts the token signed with the retired key.
            using var response = await http.SendAsync(TestApi.Authorized(HttpMethod.Get, "/api/tenant", token));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
    }

    [Fact]
    public async Task A_token_revoked_on_one_replica_is_inactive_on_the_other_and_rejected_by_the_api()
    {
        var servers = await Servers.SharedAsync();
        var database = await servers.CreateDatabaseAsync("rev");
        await using var a = new ApiFactory(database, servers.RedisConnectionString);
        await using var b = new ApiFactory(database, servers.RedisConnectionString);
        using var httpA = a.CreateClient();
        using var httpB = b.CreateClient();
        var tenant = await httpA.CreateTenantAsync();
        var agent = await httpA.CreateAgentAsync(await httpA.AdminTokenAsync(tenant));
        var token = await httpA.TokenAsync(agent.ClientId, agent.ClientSecret);
        var adminToken = await httpB.AdminTokenAsync(tenant);

        Assert.True(await ActiveAsync(httpB, tenant, token));
        using var revoke = await httpA.PostAsync("/oauth2/revoke", TokenEndpointTests.Form(("token", token),
            ("client_id", agent.ClientId), ("client_secret", agent.ClientSecret)));
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);

        // Announced over Redis at once; the replica also polls Postgres every few seconds.
        await Eventually.TrueAsync(async () => !await ActiveAsync(httpB, tenant, token));
        using var call = await httpB.SendAsync(TestApi.Authorized(HttpMethod.Get, "/api/tenant", adminToken));
        Assert.Equal(HttpStatusCode.OK, call.StatusCode);
    }

    [Fact]
    public async Task A_revocation_survives_a_redis_restart_and_a_fresh_replica()
    {
        var servers = await Servers.SharedAsync();
        await using var redis = new RedisServer();
        await redis.StartAsync();
        var database = await servers.CreateDatabaseAsync("rev");
        string token;
        TestApi.TenantCredentials tenant;
        await using (var a = new ApiFactory(database, redis.ConnectionString))
        {
            using var http = a.CreateClient();
            tenant = await http.CreateTenantAsync();
            token = await http.AdminTokenAsync(tenant);
            using var revoke = await http.PostAsync("/oauth2/revoke", TokenEndpointTests.Form(("token", token),
                ("client_id", tenant.ClientId), ("client_secret", tenant.ClientSecret)));
            Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);
        }

        await redis.StopAsync();
        await redis.StartAsync(); // no persistence: Redis comes back empty

        await using var fresh = new ApiFactory(database, redis.ConnectionString);
        using var freshHttp = fresh.CreateClient();
        Assert.False(await ActiveAsync(freshHttp, tenant, token));
        using var call = await freshHttp.SendAsync(TestApi.Authorized(HttpMethod.Get, "/api/tenant", token));
        Assert.Equal(HttpStatusCode.Unauthorized, call.StatusCode);
    }

    [Fact]
    public async Task Introspection_needs_client_authentication_and_hides_other_tenants_tokens()
    {
        await using var api = await ApiFactory.CreateAsync();
        using var http = api.CreateClient();
        var mine = await http.CreateTenantAsync();
        var theirs = await http.CreateTenantAsync();
        var theirToken = await http.AdminTokenAsync(theirs);

        using var anonymous = await http.PostAsync("/oauth2/introspect", TokenEndpointTests.Form(("token", theirToken)));
        var asMine = await IntrospectAsync(http, mine, theirToken);
        var asTheirs = await IntrospectAsync(http, theirs, theirToken);
        var garbage = await IntrospectAsync(http, mine, "not-a-token");

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.False(asMine["active"]!.GetValue<bool>());
        Assert.Single(asMine);
        Assert.True(asTheirs["active"]!.GetValue<bool>());
        Assert.Equal(theirs.ClientId, asTheirs["client_id"]!.GetValue<string>());
        Assert.Equal("tenant:admin", asTheirs["scope"]!.GetValue<string>());
        Assert.True(asTheirs["exp"]!.GetValue<long>() > DateTimeOffset.UtcNow.ToUnixTimeSeconds());
        Assert.False(garbage["active"]!.GetValue<bool>());
    }

    private static Task<bool> ActiveAsync(HttpClient http, TestApi.TenantCredentials caller, string token) => http.IsActiveAsync(caller, token);

    private static async Task<JsonObject> IntrospectAsync(HttpClient http, TestApi.TenantCredentials caller, string token)
    {
        using var response = await http.PostAsync("/oauth2/introspect", TokenEndpointTests.Form(("token", token),
            ("client_id", caller.ClientId), ("client_secret", caller.ClientSecret)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!.AsObject();
    }
}
