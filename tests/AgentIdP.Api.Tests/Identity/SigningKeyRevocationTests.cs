using System.Net;
using System.Text.Json.Nodes;
using AgentIdP.TestSupport;
using Microsoft.IdentityModel.JsonWebTokens;
using Npgsql;

namespace AgentIdP.Api.Tests.Identity;

/// <summary>Emergency revocation of a signing key (<c>POST /api/platform/keys/{kid}/revoke</c>) on one API instance.</summary>
public sealed class SigningKeyRevocationTests
{
    [Fact]
    public async Task Revoking_the_active_key_makes_a_new_active_key_and_refuses_the_old_keys_tokens_even_after_a_restart()
    {
        var servers = await Servers.SharedAsync();
        var database = await servers.CreateDatabaseAsync("keyrev");
        TestApi.TenantCredentials tenant;
        string before, kid;
        await using (var api = new ApiFactory(database, servers.RedisConnectionString))
        {
            using var http = api.CreateClient();
            tenant = await http.CreateTenantAsync();
            before = await http.AdminTokenAsync(tenant);
            kid = new JsonWebToken(before).Kid;
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, before));

            var revoked = await http.SendJsonAsync(HttpMethod.Post, $"/api/platform/keys/{kid}/revoke", await http.PlatformTokenAsync());

            var activeKid = revoked["activeKid"]!.GetValue<string>();
            Assert.NotEqual(kid, activeKid);
            Assert.False(revoked["alreadyRevoked"]!.GetValue<bool>());
            Assert.DoesNotContain(kid, revoked["publishedKids"]!.AsArray().Select(k => k!.GetValue<string>()));
            Assert.DoesNotContain(kid, await JwksKidsAsync(http));
            Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(http, before));
            Assert.False(await ActiveAsync(http, tenant, before));
            var after = await http.AdminTokenAsync(tenant);
            Assert.Equal(activeKid, new JsonWebToken(after).Kid);
            Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, after));
        }

        await using var restarted = new ApiFactory(database, servers.RedisConnectionString);
        using var restartedHttp = restarted.CreateClient();
        Assert.DoesNotContain(kid, await JwksKidsAsync(restartedHttp));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(restartedHttp, before));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(restartedHttp, await restartedHttp.AdminTokenAsync(tenant)));
    }

    [Fact]
    public async Task Revoking_a_retired_key_refuses_its_tokens_and_leaves_the_active_key_signing()
    {
        await using var api = await ApiFactory.CreateAsync();
        using var http = api.CreateClient();
        var tenant = await http.CreateTenantAsync();
        var platform = await http.PlatformTokenAsync();
        var old = await http.AdminTokenAsync(tenant);
        var rotated = await http.SendJsonAsync(HttpMethod.Post, "/api/platform/keys/rotate", platform);
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, old)); // a retired key still verifies until revoked

        var revoked = await http.SendJsonAsync(HttpMethod.Post, $"/api/platform/keys/{new JsonWebToken(old).Kid}/revoke", platform);

        Assert.Equal(rotated["kid"]!.GetValue<string>(), revoked["activeKid"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(http, old));
        Assert.Equal([rotated["kid"]!.GetValue<string>()], await JwksKidsAsync(http));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, await http.AdminTokenAsync(tenant)));
    }

    [Fact]
    public async Task An_unknown_kid_answers_404_problem_details_and_revoking_twice_changes_nothing()
    {
        await using var api = await ApiFactory.CreateAsync();
        using var http = api.CreateClient();
        var platform = await http.PlatformTokenAsync();
        var kid = new JsonWebToken(platform).Kid;

        using var unknown = await http.SendAsync(TestApi.Authorized(HttpMethod.Post, "/api/platform/keys/no-such-kid/revoke", platform));
        var first = await http.SendJsonAsync(HttpMethod.Post, $"/api/platform/keys/{kid}/revoke", platform);
        var second = await http.SendJsonAsync(HttpMethod.Post, $"/api/platform/keys/{kid}/revoke", await http.PlatformTokenAsync());

        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
        Assert.Equal("application/problem+json", unknown.Content.Headers.ContentType?.MediaType);
        Assert.True(second["alreadyRevoked"]!.GetValue<bool>());
        Assert.Equal(first["revokedAt"]!.GetValue<DateTimeOffset>(), second["revokedAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(first["activeKid"]!.GetValue<string>(), second["activeKid"]!.GetValue<string>());
    }

    [Fact]
    public async Task Only_the_platform_operator_may_revoke_a_signing_key()
    {
        await using var api = await ApiFactory.CreateAsync();
        using var http = api.CreateClient();
        var tenantAdmin = await http.AdminTokenAsync(await http.CreateTenantAsync());
        var kid = new JsonWebToken(tenantAdmin).Kid;

        using var asTenant = await http.SendAsync(TestApi.Authorized(HttpMethod.Post, $"/api/platform/keys/{kid}/revoke", tenantAdmin));
        using var anonymous = await http.PostAsync($"/api/platform/keys/{kid}/revoke", null);

        Assert.Equal(HttpStatusCode.Forbidden, asTenant.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Contains(kid, await JwksKidsAsync(http));
    }

    [Fact]
    public async Task Key_creation_rotation_and_revocation_are_appended_to_the_platform_audit_chain()
    {
        await using var api = await ApiFactory.CreateAsync();
        using var http = api.CreateClient();
        var platform = await http.PlatformTokenAsync();
        var first = new JsonWebToken(platform).Kid;
        var rotated = (await http.SendJsonAsync(HttpMethod.Post, "/api/platform/keys/rotate", platform))["kid"]!.GetValue<string>();
        var revoked = await http.SendJsonAsync(HttpMethod.Post, $"/api/platform/keys/{rotated}/revoke", platform);

        var page = await http.SendJsonAsync(HttpMethod.Get, "/api/platform/audit", await http.PlatformTokenAsync());
        var events = page["items"]!.AsArray().Select(e => e!.AsObject()).Reverse().ToList();

        Assert.Equal(["signing_key.created", "signing_key.rotated", "signing_key.revoked"], events.Select(e => e["action"]!.GetValue<string>()));
        Assert.Equal([first, rotated, rotated], events.Select(e => e["target"]!.GetValue<string>()));
        Assert.Equal(["system", ApiFactory.PlatformAdminClientId, ApiFactory.PlatformAdminClientId], events.Select(e => e["actor"]!.GetValue<string>()));
        Assert.Equal(first, events[1]["data"]!["retiredKid"]!.GetValue<string>());
        Assert.Equal(revoked["activeKid"]!.GetValue<string>(), events[2]["data"]!["replacementKid"]!.GetValue<string>());
        // Chained: each hash covers the previous one and the event's canonical text.
        await using var db = NpgsqlDataSource.Create(api.DatabaseConnectionString);
        await using var verify = db.CreateCommand("""
            SELECT bool_and(chained) FROM (
                SELECT hash = sha256(prev_hash || convert_to(platform_audit_canonical(seq, id, occurred_at, actor, action, target, data), 'UTF8'))
                       AND prev_hash = COALESCE(lag(hash) OVER (ORDER BY seq), '\x0000000000000000000000000000000000000000000000000000000000000000'::bytea) AS chained
                FROM platform_audit_events) events
            """);
        Assert.True((bool)(await verify.ExecuteScalarAsync())!);
        // The API's own walk, shared with the tenants' chains, agrees.
        var walked = await http.SendJsonAsync(HttpMethod.Get, "/api/platform/audit/verify", await http.PlatformTokenAsync());
        Assert.True(walked["valid"]!.GetValue<bool>());
        Assert.Equal(3, walked["events"]!.GetValue<long>());
        Assert.Equal(events[2]["hash"]!.GetValue<string>(), walked["headHash"]!.GetValue<string>());
    }

    internal static async Task<HttpStatusCode> StatusAsync(HttpClient http, string token)
    {
        using var response = await http.SendAsync(TestApi.Authorized(HttpMethod.Get, "/api/tenant", token));
        return response.StatusCode;
    }

    internal static async Task<List<string>> JwksKidsAsync(HttpClient http) =>
        [.. JsonNode.Parse(await http.GetStringAsync("/.well-known/jwks.json"))!["keys"]!.AsArray().Select(k => k!["kid"]!.GetValue<string>())];

    internal static async Task<bool> ActiveAsync(HttpClient http, TestApi.TenantCredentials caller, string token)
    {
        using var response = await http.PostAsync("/oauth2/introspect", TokenEndpointTests.Form(("token", token),
            ("client_id", caller.ClientId), ("client_secret", caller.ClientSecret)));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonNode.Parse(await response.Content.ReadAsStringAsync())!["active"]!.GetValue<bool>();
    }
}
