using System.Net;
using System.Text.Json.Nodes;
using AgentIdP.Api.Compliance;
using AgentIdP.Api.Demo;
using AgentIdP.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace AgentIdP.Api.Tests.Compliance;

/// <summary>Compliance behaviour that needs a deployment of its own: a controlled clock, the flag off, the demo seed.</summary>
public sealed class ComplianceDeploymentTests
{
    private const string Report = "/api/compliance/report";

    [Fact]
    public async Task The_cache_serves_the_same_report_within_five_minutes_and_a_fresh_one_after()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var servers = await Servers.SharedAsync();
        await using var api = new ClockedApiFactory(await servers.CreateDatabaseAsync("clock"), servers.RedisConnectionString, clock);
        using var http = api.CreateClient();
        var tenant = await http.CreateTenantAsync();
        var admin = await http.AdminTokenAsync(tenant);
        await http.CreateAgentAsync(admin, Documents.CompliantAgent("First Agent"));

        var (first, firstReport) = await http.GetJsonAsync(Report, admin);
        await http.CreateAgentAsync(admin, Documents.CompliantAgent("Second Agent"));
        clock.Advance(TimeSpan.FromMinutes(4) + TimeSpan.FromSeconds(59));
        var (cached, cachedReport) = await http.GetJsonAsync(Report, admin);
        clock.Advance(TimeSpan.FromSeconds(2));
        var (fresh, freshReport) = await http.GetJsonAsync(Report, admin);

        Assert.Equal(first.Headers.ETag, cached.Headers.ETag);
        Assert.True(JsonNode.DeepEquals(firstReport, cachedReport));
        Assert.Single(cachedReport!["agents"]!.AsArray());
        Assert.NotEqual(first.Headers.ETag, fresh.Headers.ETag);
        Assert.Equal(2, freshReport!["agents"]!.AsArray().Count);
        Assert.Equal(clock.GetUtcNow(), freshReport["generatedAt"]!.GetValue<DateTimeOffset>());
        Assert.Equal(clock.GetUtcNow() + TimeSpan.FromMinutes(5), freshReport["cachedUntil"]!.GetValue<DateTimeOffset>());
    }

    [Fact]
    public async Task With_compliance_off_the_report_card_and_record_endpoints_answer_404()
    {
        await using var api = await ApiFactory.CreateAsync();
        api.Settings["COMPLIANCE_ENABLED"] = "false";
        using var http = api.CreateClient();
        var tenant = await http.CreateTenantAsync();
        var admin = await http.AdminTokenAsync(tenant);
        var agent = await http.CreateAgentAsync(admin, Documents.CompliantAgent());

        foreach (var path in new[]
        {
            Report, Report + ".jws", $"/api/agents/{agent.AgentId}/card", $"/api/agents/{agent.AgentId}/oasf-record",
            Documents.CardPath(tenant.TenantId, agent.AgentId), Documents.RecordPath(tenant.TenantId, agent.AgentId),
        })
        {
            using var response = await http.SendAsync(TestApi.Authorized(HttpMethod.Get, path, admin));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
        // Agents and their profiles still work.
        Assert.Equal("1.4.0", (await http.SendJsonAsync(HttpMethod.Get, $"/api/agents/{agent.AgentId}", admin))["version"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_demo_tenant_is_fully_compliant_and_every_card_and_record_it_publishes_is_valid()
    {
        await using var api = await ApiFactory.CreateAsync();
        api.Settings["DEMO_SEED"] = "true";
        api.Settings["Demo:AdminSecret"] = "demo-admin-secret-for-the-tests-0123456789";
        using var http = api.CreateClient();
        var admin = await http.TokenAsync(DemoSeed.AdminClientId, "demo-admin-secret-for-the-tests-0123456789");

        var report = await http.SendJsonAsync(HttpMethod.Get, Report, admin);

        Assert.Equal("FULL", report["level"]!.GetValue<string>());
        Assert.Equal(DemoAgents.All.Length, report["agents"]!.AsArray().Count);
        var jwks = await http.GetStringAsync("/.well-known/jwks.json");
        foreach (var agent in report["agents"]!.AsArray())
        {
            var (_, card) = await http.GetJsonAsync(new Uri(agent!["cardUrl"]!.GetValue<string>()).AbsolutePath);
            var (_, record) = await http.GetJsonAsync(new Uri(agent["recordUrl"]!.GetValue<string>()).AbsolutePath);
            Assert.Empty(PinnedSchemas.ValidateCard(card!));
            Assert.Empty(PinnedSchemas.ValidateRecord(record!));
            Assert.True(await Documents.SignaturesVerifyAsync(card!, jwks));
        }
    }

    private sealed class ClockedApiFactory(string database, string redis, TimeProvider clock) : ApiFactory(database, redis)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.ConfigureTestServices(services => services.AddSingleton(clock));
        }
    }
}
