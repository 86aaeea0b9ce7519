using System.Net;
using System.Text.Json.Nodes;
using AgentIdP.TestSupport;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AgentIdP.Reliability.Tests;

public sealed class SigningKeyRevocationAcrossReplicasTests
{
    [Fact]
    public async Task A_token_signed_by_a_revoked_key_is_refused_on_both_api_processes_and_new_tokens_still_work()
    {
        var servers = await Servers.SharedAsync();
        var database = await servers.CreateDatabaseAsync("keyrev");
        await using var a = await ApiProcess.StartAsync(database, servers.RedisConnectionString);
        await using var b = await ApiProcess.StartAsync(database, servers.RedisConnectionString);
        using var httpA = new HttpClient { BaseAddress = a.Url };
        using var httpB = new HttpClient { BaseAddress = b.Url };
        var tenant = await httpA.CreateTenantAsync();
        var token = await httpB.AdminTokenAsync(tenant);
        var kid = new JsonWebToken(token).Kid;
        foreach (var http in new[] { httpA, httpB })
        {
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, token));
            Assert.True(await ActiveAsync(http, tenant, token));
        }

        var revoked = await httpA.SendJsonAsync(HttpMethod.Post, $"/api/platform/keys/{kid}/revoke", await httpA.PlatformTokenAsync());

        // The process that revoked refuses the token before it answers.
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(httpA, token));
        Assert.False(await ActiveAsync(httpA, tenant, token));
        Assert.DoesNotContain(kid, await JwksKidsAsync(httpA));
        // The other hears of it over Redis (a message and one read of signing_keys), not by waiting for its 30 s refresh.
        await Eventually.TrueAsync(async () => await StatusAsync(httpB, token) == HttpStatusCode.Unauthorized,
            TimeSpan.FromSeconds(5), "the other process should refuse the revoked key's token once the revocation is announced");
        Assert.False(await ActiveAsync(httpB, tenant, token));
        Assert.DoesNotContain(kid, await JwksKidsAsync(httpB));

        var activeKid = revoked["activeKid"]!.GetValue<string>();
        foreach (var (issuer, verifier) in new[] { (httpA, httpB), (httpB, httpA) })
        {
            var fresh = await issuer.AdminTokenAsync(tenant);
            Assert.Equal(activeKid, new JsonWebToken(fresh).Kid);
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(verifier, fresh));
            Assert.True(await ActiveAsync(verifier, tenant, fresh));
        }
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, string token)
    {
        using var response = await http.SendAsync(TestApi.Authorized(HttpMethod.Get, "/api/tenant", token));
        return response.StatusCode;
    }

    private static async Task<List<string>> JwksKidsAsync(HttpClient http) =>
        [.. JsonNode.Parse(await http.GetStringAsync("/.well-known/jwks.json"))!["keys"]!.AsArray().Select(k => k!["kid"]!.GetValue<string>())];

    private static async Task<bool> ActiveAsync(HttpClient http, TestApi.TenantCredentials caller, string token)
    {
        using var response = await http.PostAsync("/oauth2/introspect", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = token, ["client_id"] = caller.ClientId, ["client_secret"] = caller.ClientSecret,
        }));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["active"]!.GetValue<bool>();
    }
}
