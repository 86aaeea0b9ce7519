using System.Net;
using System.Text.Json.Nodes;
using AgentIdP.TestSupport;

namespace AgentIdP.Api.Tests.Identity;

public sealed class TenantIsolationTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private HttpClient Http => api.Http;

    [Fact]
    public async Task Every_tenant_scoped_endpoint_answers_404_for_another_tenants_agent_and_never_shows_its_data()
    {
        var a = await Http.CreateTenantAsync("Tenant A");
        var b = await Http.CreateTenantAsync("Tenant B");
        var tokenA = await Http.AdminTokenAsync(a);
        var tokenB = await Http.AdminTokenAsync(b);
        var agentB = await Http.CreateAgentAsync(tokenB, new { name = "Secret Project Falcon" });
        await Http.CreateAgentAsync(tokenA, new { name = "Mine" });

        (HttpMethod Method, string Path, object? Body)[] matrix =
        [
            (HttpMethod.Get, $"/api/agents/{agentB.AgentId}", null),
            (HttpMethod.Patch, $"/api/agents/{agentB.AgentId}", new { name = "Hijacked" }),
            (HttpMethod.Post, $"/api/agents/{agentB.AgentId}/disable", null),
            (HttpMethod.Post, $"/api/agents/{agentB.AgentId}/enable", null),
            (HttpMethod.Post, $"/api/agents/{agentB.AgentId}/credentials/rotate", new { gracePeriodSeconds = 0 }),
            (HttpMethod.Delete, $"/api/agents/{agentB.AgentId}", null),
            (HttpMethod.Get, $"/tenants/{a.TenantId}/agents/{agentB.AgentId}/did.json", null),
        ];
        foreach (var (method, path, body) in matrix)
        {
            using var response = await Http.SendAsync(TestApi.Authorized(method, path, tokenA, body));
            var text = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.NotFound, $"{method} {path} answered {(int)response.StatusCode}: {text}");
            Assert.DoesNotContain("Falcon", text);
            Assert.DoesNotContain(agentB.ClientId, text);
        }

        foreach (var path in new[] { "/api/agents", "/api/audit", "/api/tenant" })
        {
            var text = await (await Http.SendAsync(TestApi.Authorized(HttpMethod.Get, path, tokenA))).Content.ReadAsStringAsync();
            Assert.DoesNotContain("Falcon", text);
            Assert.DoesNotContain(agentB.ClientId, text);
            Assert.DoesNotContain(b.TenantId.ToString(), text);
        }

        // Tenant B's agent is untouched: still active, same name, and its secret still works.
        var stillB = await Http.SendJsonAsync(HttpMethod.Get, $"/api/agents/{agentB.AgentId}", tokenB);
        Assert.Equal("Secret Project Falcon", stillB["name"]!.GetValue<string>());
        Assert.Equal("active", stillB["status"]!.GetValue<string>());
        using var token = await Http.RequestTokenAsync(agentB.ClientId, agentB.ClientSecret);
        Assert.Equal(HttpStatusCode.OK, token.StatusCode);
    }

    [Fact]
    public async Task Scopes_gate_the_api_missing_tokens_are_401_and_wrong_scopes_403()
    {
        var tenant = await Http.CreateTenantAsync();
        var admin = await Http.AdminTokenAsync(tenant);
        var agent = await Http.CreateAgentAsync(admin);
        var agentToken = await Http.TokenAsync(agent.ClientId, agent.ClientSecret);

        using var anonymous = await Http.GetAsync("/api/agents");
        using var agentCalls = await Http.SendAsync(TestApi.Authorized(HttpMethod.Get, "/api/agents", agentToken));
        using var adminCreatesTenant = await Http.SendAsync(TestApi.Authorized(HttpMethod.Post, "/api/tenants", admin, new { name = "x" }));
        using var garbage = await Http.SendAsync(TestApi.Authorized(HttpMethod.Get, "/api/agents", "not.a.token"));

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, agentCalls.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, adminCreatesTenant.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, garbage.StatusCode);
    }

    [Theory]
    [InlineData("{\"name\": ", "not valid JSON")]
    [InlineData("{\"name\": 42}", "not valid JSON")]
    [InlineData("{\"name\": \"\"}", "name is required")]
    [InlineData("{\"name\": \"ok\", \"scopes\": [\"tenant:admin\"]}", "reserved")]
    [InlineData("{\"name\": \"ok\", \"scopes\": [\"bad scope\"]}", "each scope")]
    [InlineData("{\"name\": \"ok\", \"jwks\": {\"keys\": [{\"kty\":\"EC\",\"kid\":\"k\",\"d\":\"secret\"}]}}", "public keys only")]
    public async Task Bad_agent_input_is_a_400_problem_that_says_what_is_wrong_and_writes_nothing(string body, string expected)
    {
        var tenant = await Http.CreateTenantAsync();
        var admin = await Http.AdminTokenAsync(tenant);

        using var request = TestApi.Authorized(HttpMethod.Post, "/api/agents", admin);
        request.Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json");
        using var response = await Http.SendAsync(request);
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;
        var list = await Http.SendJsonAsync(HttpMethod.Get, "/api/agents", admin);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains(expected, problem["detail"]!.GetValue<string>());
        Assert.Equal(0, list["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task Agent_lists_are_paged_and_bad_paging_is_a_400()
    {
        var tenant = await Http.CreateTenantAsync();
        var admin = await Http.AdminTokenAsync(tenant);
        for (var i = 0; i < 5; i++) await Http.CreateAgentAsync(admin, new { name = $"Agent {i}" });

        var first = await Http.SendJsonAsync(HttpMethod.Get, "/api/agents?page=1&pageSize=2", admin);
        var last = await Http.SendJsonAsync(HttpMethod.Get, "/api/agents?page=3&pageSize=2", admin);
        using var bad = await Http.SendAsync(TestApi.Authorized(HttpMethod.Get, "/api/agents?pageSize=1000", admin));

        Assert.Equal(5, first["total"]!.GetValue<int>());
        Assert.Equal(["Agent 4", "Agent 3"], first["items"]!.AsArray().Select(a => a!["name"]!.GetValue<string>()));
        Assert.Equal(["Agent 0"], last["items"]!.AsArray().Select(a => a!["name"]!.GetValue<string>()));
        Assert.Equal(HttpStatusCode.BadRequest, bad.StatusCode);
    }
}
