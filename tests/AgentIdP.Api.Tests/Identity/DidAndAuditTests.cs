using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using AgentIdP.TestSupport;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace AgentIdP.Api.Tests.Identity;

public sealed class DidAndAuditTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private HttpClient Http => api.Http;

    [Fact]
    public async Task An_agents_did_web_resolves_at_the_did_method_path_with_its_public_keys()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(key));
        var tenant = await Http.CreateTenantAsync();
        var agent = await Http.CreateAgentAsync(await Http.AdminTokenAsync(tenant), new
        {
            name = "DID Agent",
            jwks = new JsonObject { ["keys"] = new JsonArray(new JsonObject { ["kty"] = "EC", ["crv"] = "P-256", ["x"] = jwk.X, ["y"] = jwk.Y, ["kid"] = "k1" }) },
        });
        var did = agent.Agent["did"]!.GetValue<string>();

        // did:web:host:path:segments → http(s)://host/path/segments/did.json
        var path = "/" + string.Join('/', did.Split(':').Skip(3)) + "/did.json";
        using var response = await Http.GetAsync(path);
        var document = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal($"did:web:agentidp.test:tenants:{tenant.TenantId}:agents:{agent.AgentId}", did);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/did+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(did, document["id"]!.GetValue<string>());
        var method = document["verificationMethod"]!.AsArray().Single()!;
        Assert.Equal($"{did}#k1", method["id"]!.GetValue<string>());
        Assert.Equal(jwk.X, method["publicKeyJwk"]!["x"]!.GetValue<string>());
        Assert.Equal($"{did}#k1", document["assertionMethod"]!.AsArray().Single()!.GetValue<string>());
    }

    [Fact]
    public async Task Every_change_appends_to_the_tenants_audit_chain_and_the_chain_verifies()
    {
        var tenant = await Http.CreateTenantAsync();
        var admin = await Http.AdminTokenAsync(tenant);
        // Non-ASCII text in an event: the walk hashes the UTF-8 Postgres sends, as the trigger hashed it.
        var agent = await Http.CreateAgentAsync(admin, new { name = "Zoë’s agent ✓ 𝄞" });
        await Http.SendJsonAsync(HttpMethod.Post, $"/api/agents/{agent.AgentId}/disable", admin);
        await Http.SendJsonAsync(HttpMethod.Post, $"/api/agents/{agent.AgentId}/credentials/rotate", admin);

        var events = await Http.SendJsonAsync(HttpMethod.Get, "/api/audit", admin);
        var verify = await Http.SendJsonAsync(HttpMethod.Get, "/api/audit/verify", admin);

        Assert.Equal(["agent.credential_rotated", "agent.disabled", "agent.created", "tenant.created"],
            events["items"]!.AsArray().Select(e => e!["action"]!.GetValue<string>()));
        Assert.Equal(tenant.ClientId, events["items"]![0]!["actor"]!.GetValue<string>());
        Assert.True(verify["valid"]!.GetValue<bool>());
        Assert.Equal(4, verify["events"]!.GetValue<int>());
        Assert.Equal(events["items"]![0]!["hash"]!.GetValue<string>(), verify["headHash"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_tampered_audit_row_is_detected_at_the_exact_event()
    {
        var tenant = await Http.CreateTenantAsync();
        var admin = await Http.AdminTokenAsync(tenant);
        for (var i = 0; i < 4; i++) await Http.CreateAgentAsync(admin, new { name = $"Agent {i}" });

        await using (var db = NpgsqlDataSource.Create(api.Factory.DatabaseConnectionString))
        await using (var tamper = db.CreateCommand(
            "UPDATE audit_events SET data = jsonb_set(data, '{name}', '\"Evil\"') WHERE tenant_id = @t AND seq = 3"))
        {
            tamper.Parameters.AddWithValue("t", tenant.TenantId);
            Assert.Equal(1, await tamper.ExecuteNonQueryAsync());
        }
        var verify = await Http.SendJsonAsync(HttpMethod.Get, "/api/audit/verify", admin);
        var third = (await Http.SendJsonAsync(HttpMethod.Get, "/api/audit?pageSize=100", admin))["items"]!.AsArray()
            .Single(e => e!["seq"]!.GetValue<int>() == 3)!;

        Assert.False(verify["valid"]!.GetValue<bool>());
        Assert.Equal(3, verify["firstBrokenSeq"]!.GetValue<int>());
        Assert.Equal(third["id"]!.GetValue<string>(), verify["firstBrokenEventId"]!.GetValue<string>());
        Assert.Contains("changed after it was written", verify["reason"]!.GetValue<string>());
    }
}
