using System.Net;
using System.Text.Json.Nodes;
using AgentIdP.TestSupport;

namespace AgentIdP.Api.Tests.Tiers;

public sealed class RedisOutageTests
{
    [Fact]
    public async Task With_redis_stopped_under_load_requests_are_limited_locally_health_is_degraded_and_enforcement_returns_with_redis()
    {
        var servers = await Servers.SharedAsync();
        await using var redis = new RedisServer();
        await redis.StartAsync();
        await using var api = TierEnforcementTests.Enforcing(new ApiFactory(await servers.CreateDatabaseAsync("outage"), redis.ConnectionString));
        using var http = api.CreateClient();
        var tenant = await TierEnforcementTests.CreateTenantAsync(http, "enterprise");
        var token = await http.AdminTokenAsync(tenant);

        using var before = await http.SendAsync(TestApi.Authorized(HttpMethod.Get, "/api/tenant", token));
        Assert.Contains("\"daily\";r=", before.Headers.GetValues("RateLimit").Single());

        using var load = new CancellationTokenSource();
        var statuses = new System.Collections.Concurrent.ConcurrentBag<HttpStatusCode>();
        var traffic = Task.Run(async () =>
        {
            while (!load.IsCancellationRequested)
            {
                using var r = await http.SendAsync(TestApi.Authorized(HttpMethod.Get, "/api/tenant", token));
                statuses.Add(r.StatusCode);
            }
        });

        await redis.StopAsync();
        await Eventually.TrueAsync(async () => await HealthAsync(http) == "Degraded", TimeSpan.FromSeconds(15), "health should report degraded");
        var health = JsonNode.Parse(await (await http.GetAsync("/health")).Content.ReadAsStringAsync())!;
        using var during = await http.SendAsync(TestApi.Authorized(HttpMethod.Get, "/api/tenant", token));

        await redis.StartAsync();
        await Eventually.TrueAsync(async () =>
        {
            using var r = await http.SendAsync(TestApi.Authorized(HttpMethod.Get, "/api/tenant", token));
            return r.Headers.GetValues("RateLimit").Single().Contains("\"daily\";r=", StringComparison.Ordinal);
        }, TimeSpan.FromSeconds(20), "daily quota counting should resume without restarting the API");
        await Eventually.TrueAsync(async () => await HealthAsync(http) == "Healthy", TimeSpan.FromSeconds(20));
        load.Cancel();
        await traffic;

        Assert.Equal(HttpStatusCode.OK, during.StatusCode);
        Assert.DoesNotContain("\"daily\"", during.Headers.GetValues("RateLimit").Single());
        Assert.Equal("Degraded", health["checks"]!["tier-enforcement"]!["status"]!.GetValue<string>());
        Assert.Contains("each replica allowing 1/1 of a tier's rate", health["checks"]!["tier-enforcement"]!["description"]!.GetValue<string>());
        Assert.NotEmpty(statuses);
        // The fallback is the tier's rate shared by the replicas alive (here one), not unlimited: a 429 is a limit kept.
        Assert.All(statuses, s => Assert.True(s is HttpStatusCode.OK or HttpStatusCode.TooManyRequests, s.ToString()));
    }

    private static async Task<string> HealthAsync(HttpClient http) =>
        JsonNode.Parse(await (await http.GetAsync("/health")).Content.ReadAsStringAsync())!["status"]!.GetValue<string>();
}
