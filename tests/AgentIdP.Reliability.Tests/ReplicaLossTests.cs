using System.Collections.Concurrent;
using System.Net;
using AgentIdP.Api.Tiers;
using AgentIdP.TestSupport;
using Npgsql;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace AgentIdP.Reliability.Tests;

public sealed class ReplicaLossTests(ITestOutputHelper output)
{
    private const int Remaining = 400;

    [Fact]
    public async Task When_one_of_two_replicas_is_killed_under_load_the_other_serves_the_quota_stays_exact_and_nothing_is_double_counted()
    {
        var servers = await Servers.SharedAsync();
        var database = await servers.CreateDatabaseAsync("replicas");
        await using var a = await ApiProcess.StartAsync(database, servers.RedisConnectionString, ("TIER_ENFORCEMENT", "true"));
        await using var b = await ApiProcess.StartAsync(database, servers.RedisConnectionString, ("TIER_ENFORCEMENT", "true"));
        using var httpA = new HttpClient { BaseAddress = a.Url };
        using var httpB = new HttpClient { BaseAddress = b.Url };
        var tenant = await httpA.CreateTenantAsync();
        await httpA.SendJsonAsync(HttpMethod.Put, $"/api/tenants/{tenant.TenantId}/tier", await httpA.PlatformTokenAsync(), new { tier = "enterprise" });
        var admin = await httpB.AdminTokenAsync(tenant);
        await using var redis = await ConnectionMultiplexer.ConnectAsync(servers.RedisConnectionString);
        var key = DailyQuota.Key(Tier.Enterprise, tenant.TenantId, DateOnly.FromDateTime(DateTime.UtcNow));
        var start = TierConfig.Enterprise.DailyQuota - Remaining;
        await redis.GetDatabase().StringSetAsync(key, start, TimeSpan.FromDays(2));

        var statuses = new ConcurrentDictionary<HttpStatusCode, int>();
        var failedAtA = 0;
        var sent = 0;
        var killed = false;
        var workers = Enumerable.Range(0, 4).Select(w => Task.Run(async () =>
        {
            for (var i = 0; i < 250; i++)
            {
                var toA = (i + w) % 2 == 0;
                if (Interlocked.Increment(ref sent) == 150 && !killed)
                {
                    killed = true;
                    a.Kill();
                }
                try
                {
                    using var response = await (toA ? httpA : httpB).SendAsync(TestApi.Authorized(HttpMethod.Get, "/api/agents", admin));
                    statuses.AddOrUpdate(response.StatusCode, 1, (_, n) => n + 1);
                }
                catch (HttpRequestException) when (toA)
                {
                    Interlocked.Increment(ref failedAtA);
                }
            }
        }));
        await Task.WhenAll(workers);
        await b.StopAsync(); // graceful: B flushes its analytics

        var admitted = statuses.GetValueOrDefault(HttpStatusCode.OK);
        var refused = statuses.GetValueOrDefault(HttpStatusCode.TooManyRequests);
        var counted = (long)(await redis.GetDatabase().StringGetAsync(key)) - start;
        await using var db = NpgsqlDataSource.Create(database);
        await using var cmd = db.CreateCommand("SELECT COALESCE(sum(count), 0)::int FROM analytics_events WHERE tenant_id = @t AND metric = 'api_call'");
        cmd.Parameters.AddWithValue("t", tenant.TenantId);
        var apiCalls = (int)(await cmd.ExecuteScalarAsync())!;

        output.WriteLine($"sent {sent}: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{(int)s.Key}×{s.Value}"))}, " +
                         $"{failedAtA} lost with the killed replica; quota counted {counted}; analytics api_call {apiCalls}");
        Assert.DoesNotContain(statuses.Keys, s => (int)s >= 500);
        Assert.True(admitted <= Remaining, $"admitted {admitted}, more than the {Remaining} left of the quota");
        // Every answered request was counted once; the only uncounted-or-unanswered ones died with replica A.
        Assert.InRange(counted, admitted + refused, admitted + refused + failedAtA);
        Assert.True(refused > 0, "the quota ran out on the surviving replica");
        // Analytics never counts a call twice: at most one increment per request that reached a replica.
        Assert.InRange(apiCalls, 1, admitted + refused + failedAtA);
    }
}
