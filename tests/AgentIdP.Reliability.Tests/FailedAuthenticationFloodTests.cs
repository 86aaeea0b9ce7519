using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using AgentIdP.Api.Tiers;
using AgentIdP.TestSupport;
using Npgsql;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace AgentIdP.Reliability.Tests;

/// <summary>
/// An attacker who knows only a tenant's client ids (they are in every token its agents present) floods the token
/// endpoint with wrong secrets. The tenant must not notice: its limits, its quota and its analytics are its own.
/// </summary>
public sealed class FailedAuthenticationFloodTests(ITestOutputHelper output)
{
    private static readonly TimeSpan FloodFor = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_flood_of_wrong_secrets_naming_a_tenants_clients_gets_429_and_leaves_the_tenants_own_calls_limits_and_analytics_alone()
    {
        var servers = await Servers.SharedAsync();
        var database = await servers.CreateDatabaseAsync("flood");
        await using var api = await ApiProcess.StartAsync(database, servers.RedisConnectionString, ("TIER_ENFORCEMENT", "true"));
        using var http = new HttpClient { BaseAddress = api.Url };
        var tenant = await http.CreateTenantAsync("Victim");
        var admin = await http.AdminTokenAsync(tenant);
        var agent = await http.CreateAgentAsync(admin);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(servers.RedisConnectionString);
        var quotaKey = DailyQuota.Key(Tier.Free, tenant.TenantId, DateOnly.FromDateTime(DateTime.UtcNow));
        var countBefore = (long)await redis.GetDatabase().StringGetAsync(quotaKey);

        // 8 connections of wrong secrets, alternating the admin's and the agent's client id.
        var flood = new ConcurrentDictionary<HttpStatusCode, int>();
        var floodErrors = new ConcurrentBag<string>();
        var stop = Stopwatch.StartNew();
        var attackers = Enumerable.Range(0, 8).Select(worker => Task.Run(async () =>
        {
            using var attacker = new HttpClient(new SocketsHttpHandler { MaxConnectionsPerServer = 1 }) { BaseAddress = api.Url };
            for (var i = 0; stop.Elapsed < FloodFor; i++)
            {
                var clientId = (i + worker) % 2 == 0 ? tenant.ClientId : agent.ClientId;
                using var response = await attacker.RequestTokenAsync(clientId, "not-the-secret");
                flood.AddOrUpdate(response.StatusCode, 1, (_, n) => n + 1);
                if (response.StatusCode == HttpStatusCode.TooManyRequests && floodErrors.Count < 5)
                {
                    var error = JsonNode.Parse(await response.Content.ReadAsStringAsync())!["error"]!.GetValue<string>();
                    floodErrors.Add($"{error}; Retry-After {response.Headers.RetryAfter?.Delta?.TotalSeconds}");
                }
            }
        })).ToList();

        // Meanwhile the tenant works as usual, within its free tier: an API call and an agent token request, 4 a second.
        var own = new ConcurrentDictionary<HttpStatusCode, int>();
        var apiCalls = 0;
        var tokensIssued = 0;
        while (stop.Elapsed < FloodFor)
        {
            using (var call = await http.SendAsync(TestApi.Authorized(HttpMethod.Get, "/api/agents", admin)))
            {
                own.AddOrUpdate(call.StatusCode, 1, (_, n) => n + 1);
                if (call.IsSuccessStatusCode) apiCalls++;
            }
            using (var token = await http.RequestTokenAsync(agent.ClientId, agent.ClientSecret))
            {
                own.AddOrUpdate(token.StatusCode, 1, (_, n) => n + 1);
                if (token.IsSuccessStatusCode) tokensIssued++;
            }
            await Task.Delay(500);
        }
        await Task.WhenAll(attackers);
        var countAfter = (long)await redis.GetDatabase().StringGetAsync(quotaKey);
        await api.StopAsync(); // graceful: analytics are flushed

        await using var db = NpgsqlDataSource.Create(database);
        var metrics = new Dictionary<string, long>();
        await using (var cmd = db.CreateCommand("SELECT metric, sum(count)::bigint FROM analytics_events WHERE tenant_id = @t GROUP BY metric"))
        {
            cmd.Parameters.AddWithValue("t", tenant.TenantId);
            await using var reader = await cmd.ExecuteReaderAsync();
            while (await reader.ReadAsync()) metrics[reader.GetString(0)] = reader.GetInt64(1);
        }

        var floodTotal = flood.Values.Sum();
        var ownTotal = own.Values.Sum();
        output.WriteLine($"flood: {floodTotal} requests, {Describe(flood)}; e.g. {string.Join(" | ", floodErrors)}");
        output.WriteLine($"tenant: {ownTotal} requests, {Describe(own)}; daily count {countBefore} -> {countAfter}; analytics {string.Join(", ", metrics.Select(m => $"{m.Key}={m.Value}"))}");

        Assert.True(flood.GetValueOrDefault(HttpStatusCode.TooManyRequests) >= floodTotal * 0.9,
            "the flood is refused by the failed-authentication limiter");
        Assert.All(flood.Keys, s => Assert.True(s is HttpStatusCode.Unauthorized or HttpStatusCode.TooManyRequests, s.ToString()));
        Assert.All(floodErrors, e => Assert.StartsWith("slow_down; Retry-After ", e));
        Assert.True(own.Where(s => (int)s.Key is >= 200 and < 300).Sum(s => s.Value) >= ownTotal * 0.99, "the tenant's own calls succeed");
        Assert.Equal(countBefore + apiCalls + tokensIssued, countAfter); // only the tenant's own calls are counted
        Assert.Equal(tokensIssued + 1, metrics.GetValueOrDefault("token_issued")); // and the admin's token, before the flood
        Assert.Equal(0, metrics.GetValueOrDefault("token_denied"));
        Assert.Equal(0, metrics.GetValueOrDefault("rate_limited"));
        Assert.Equal(0, metrics.GetValueOrDefault("quota_exceeded"));
    }

    private static string Describe(ConcurrentDictionary<HttpStatusCode, int> statuses) =>
        string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{(int)s.Key}×{s.Value}"));
}
