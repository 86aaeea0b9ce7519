using System.Diagnostics.Metrics;
using System.Net;
using System.Text.Json.Nodes;
using AgentIdP.Api.Tiers;
using AgentIdP.TestSupport;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace AgentIdP.Api.Tests.Tiers;

public sealed class TierEnforcementTests
{
    [Fact]
    public async Task The_per_second_limit_rejects_with_429_retry_after_and_ratelimit_headers_naming_the_tier()
    {
        await using var api = await Enforcing();
        using var http = api.CreateClient();
        var tenant = await http.CreateTenantAsync();
        var token = await http.AdminTokenAsync(tenant);

        var responses = await Task.WhenAll(Enumerable.Range(0, 100).Select(_ => http.SendAsync(TestApi.Authorized(HttpMethod.Get, "/api/tenant", token))));
        var ok = responses.Where(r => r.StatusCode == HttpStatusCode.OK).ToList();
        var limited = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();

        // The burst, less the admin's own token request (every request of a tenant counts), plus what refilled meanwhile.
        Assert.True(ok.Count >= TierConfig.Free.Burst - 1, $"the burst is admitted ({ok.Count} were)");
        Assert.NotEmpty(limited);
        Assert.Equal(100, ok.Count + limited.Count);
        var problem = JsonNode.Parse(await limited[0].Content.ReadAsStringAsync())!;
        Assert.Equal("free", problem["tier"]!.GetValue<string>());
        Assert.Equal("requests_per_second", problem["limit"]!.GetValue<string>());
        Assert.Contains("upgrade to pro", problem["detail"]!.GetValue<string>());
        Assert.True(limited[0].Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        Assert.Equal("\"rate\";q=10;w=1;burst=20, \"daily\";q=10000;w=86400", ok[0].Headers.GetValues("RateLimit-Policy").Single());
        Assert.Matches("^\"rate\";r=\\d+;t=\\d+, \"daily\";r=\\d+;t=\\d+$", ok[0].Headers.GetValues("RateLimit").Single());
        Assert.True(limited[0].Headers.Contains("RateLimit-Policy"));
        foreach (var r in responses) r.Dispose();
    }

    [Fact]
    public async Task The_daily_quota_admits_exactly_the_quota_across_two_instances_under_concurrent_load()
    {
        var servers = await Servers.SharedAsync();
        var database = await servers.CreateDatabaseAsync("quota");
        await using var a = Enforcing(new ApiFactory(database, servers.RedisConnectionString));
        await using var b = Enforcing(new ApiFactory(database, servers.RedisConnectionString));
        using var httpA = a.CreateClient();
        using var httpB = b.CreateClient();
        var tenant = await CreateTenantAsync(httpA, "enterprise");
        var tokenA = await httpA.AdminTokenAsync(tenant);
        var tokenB = await httpB.AdminTokenAsync(tenant);

        // Leave exactly 50 calls of today's quota, then send 200 at once through both instances.
        await SetTodaysCountAsync(servers.RedisConnectionString, Tier.Enterprise, tenant.TenantId, TierConfig.Enterprise.DailyQuota - 50);
        var calls = Enumerable.Range(0, 200).Select(i => (i % 2 == 0 ? httpA : httpB)
            .SendAsync(TestApi.Authorized(HttpMethod.Get, "/api/agents", i % 2 == 0 ? tokenA : tokenB)));
        var responses = await Task.WhenAll(calls);

        Assert.Equal(50, responses.Count(r => r.StatusCode == HttpStatusCode.OK));
        var rejected = responses.Where(r => r.StatusCode == HttpStatusCode.TooManyRequests).ToList();
        Assert.Equal(150, rejected.Count);
        var problem = JsonNode.Parse(await rejected[0].Content.ReadAsStringAsync())!;
        Assert.Equal("daily_quota", problem["limit"]!.GetValue<string>());
        Assert.Equal("enterprise", problem["tier"]!.GetValue<string>());
        foreach (var r in responses) r.Dispose();

        // Stopping both instances flushes their analytics: every rejection was recorded, once.
        await a.DisposeAsync();
        await b.DisposeAsync();
        await using var db = Npgsql.NpgsqlDataSource.Create(database);
        await using var count = db.CreateCommand("SELECT COALESCE(sum(count), 0)::int FROM analytics_events WHERE tenant_id = @t AND metric = 'quota_exceeded'");
        count.Parameters.AddWithValue("t", tenant.TenantId);
        Assert.Equal(150, (int)(await count.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task The_daily_quota_starts_over_at_the_utc_day_boundary()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 11, 28, 23, 59, 58, TimeSpan.Zero));
        await using var api = Enforcing(await ApiFactory.CreateAsync()).WithClock(clock);
        using var http = api.CreateClient();
        var tenant = await http.CreateTenantAsync();
        var token = await http.AdminTokenAsync(tenant);
        var servers = await Servers.SharedAsync();

        await SetTodaysCountAsync(servers.RedisConnectionString, Tier.Free, tenant.TenantId, TierConfig.Free.DailyQuota, new DateOnly(2026, 11, 28));
        using var lastSecond = await http.SendAsync(TestApi.Authorized(HttpMethod.Get, "/api/agents", token));
        clock.Advance(TimeSpan.FromSeconds(3));
        using var nextDay = await http.SendAsync(TestApi.Authorized(HttpMethod.Get, "/api/agents", token));

        Assert.Equal(HttpStatusCode.TooManyRequests, lastSecond.StatusCode);
        Assert.Equal("2", lastSecond.Headers.RetryAfter?.Delta?.TotalSeconds.ToString());
        Assert.Equal(HttpStatusCode.OK, nextDay.StatusCode);
        Assert.Contains($"\"daily\";r={TierConfig.Free.DailyQuota - 1};", nextDay.Headers.GetValues("RateLimit").Single());
    }

    [Fact]
    public async Task Shadow_mode_rejects_nothing_and_counts_what_it_would_have_rejected()
    {
        var wouldReject = 0L;
        using var listener = DecisionListener((outcome, n) => { if (outcome == "would_reject") Interlocked.Add(ref wouldReject, n); });
        await using var api = await ApiFactory.CreateAsync(); // TIER_ENFORCEMENT defaults to false
        using var http = api.CreateClient();
        var tenant = await http.CreateTenantAsync();
        var token = await http.AdminTokenAsync(tenant);
        await SetTodaysCountAsync((await Servers.SharedAsync()).RedisConnectionString, Tier.Free, tenant.TenantId, TierConfig.Free.DailyQuota + 5);

        var responses = await Task.WhenAll(Enumerable.Range(0, 60).Select(_ => http.SendAsync(TestApi.Authorized(HttpMethod.Get, "/api/agents", token))));
        for (var i = 0; i < 11; i++) await http.CreateAgentAsync(token, new { name = $"Agent {i}" });

        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        // Every call is over the daily quota, some over the per-second limit, and the eleventh agent over max agents.
        Assert.True(Interlocked.Read(ref wouldReject) >= 60 + 1, $"would_reject counted {wouldReject}");
        foreach (var r in responses) r.Dispose();
    }

    [Fact]
    public async Task An_upgrade_reaches_both_instances_within_seconds()
    {
        var servers = await Servers.SharedAsync();
        var database = await servers.CreateDatabaseAsync("upgrade");
        await using var a = new ApiFactory(database, servers.RedisConnectionString);
        await using var b = new ApiFactory(database, servers.RedisConnectionString);
        using var httpA = a.CreateClient();
        using var httpB = b.CreateClient();
        var tenant = await httpA.CreateTenantAsync();
        var tokenB = await httpB.AdminTokenAsync(tenant);
        Assert.StartsWith("\"rate\";q=10;w=1;burst=20,", await PolicyAsync(httpB, tokenB));

        await httpA.SendJsonAsync(HttpMethod.Put, $"/api/tenants/{tenant.TenantId}/tier", await httpA.PlatformTokenAsync(), new { tier = "pro" });

        await Eventually.TrueAsync(async () => (await PolicyAsync(httpB, tokenB)).StartsWith("\"rate\";q=100;w=1;burst=200,", StringComparison.Ordinal),
            TimeSpan.FromSeconds(10), "the other instance should apply the pro limits");
    }

    [Fact]
    public async Task The_agent_limit_of_the_tier_is_enforced_on_creation()
    {
        await using var api = await Enforcing();
        using var http = api.CreateClient();
        var tenant = await http.CreateTenantAsync();
        var token = await http.AdminTokenAsync(tenant);
        for (var i = 0; i < TierConfig.Free.MaxAgents; i++) await http.CreateAgentAsync(token, new { name = $"Agent {i}" });

        using var refused = await http.SendAsync(TestApi.Authorized(HttpMethod.Post, "/api/agents", token, new { name = "One too many" }));
        var problem = JsonNode.Parse(await refused.Content.ReadAsStringAsync())!;
        var list = await http.SendJsonAsync(HttpMethod.Get, "/api/agents", token);

        Assert.Equal(HttpStatusCode.Conflict, refused.StatusCode);
        Assert.Equal("max_agents", problem["limit"]!.GetValue<string>());
        Assert.Equal(TierConfig.Free.MaxAgents, list["total"]!.GetValue<int>());
    }

    [Fact]
    public async Task An_agents_token_request_counts_once_against_the_daily_quota_a_failed_authentication_not_at_all_and_over_it_takes_nothing_from_the_agents_bucket()
    {
        await using var api = await Enforcing();
        using var http = api.CreateClient();
        var tenant = await http.CreateTenantAsync();
        var admin = await http.AdminTokenAsync(tenant);
        var agent = await http.CreateAgentAsync(admin);
        var redis = (await Servers.SharedAsync()).RedisConnectionString;
        await SetTodaysCountAsync(redis, Tier.Free, tenant.TenantId, 100);

        using var issued = await http.RequestTokenAsync(agent.ClientId, agent.ClientSecret);
        var afterOne = await TodaysCountAsync(redis, tenant.TenantId);
        using var wrongSecret = await http.RequestTokenAsync(agent.ClientId, agent.ClientSecret + "x");
        var afterTwo = await TodaysCountAsync(redis, tenant.TenantId);

        await SetTodaysCountAsync(redis, Tier.Free, tenant.TenantId, TierConfig.Free.DailyQuota);
        await using (var connection = await ConnectionMultiplexer.ConnectAsync(redis))
        {
            await connection.GetDatabase().KeyDeleteAsync(TierLimiter.AgentKey(agent.AgentId));
        }
        using var overQuota = await http.RequestTokenAsync(agent.ClientId, agent.ClientSecret);
        bool bucketTouched;
        await using (var connection = await ConnectionMultiplexer.ConnectAsync(redis))
        {
            bucketTouched = await connection.GetDatabase().KeyExistsAsync(TierLimiter.AgentKey(agent.AgentId));
        }

        Assert.Equal(HttpStatusCode.OK, issued.StatusCode);
        Assert.Matches("\"daily\";r=9899;", issued.Headers.GetValues("RateLimit").Single());
        Assert.Equal(HttpStatusCode.Unauthorized, wrongSecret.StatusCode);
        Assert.Equal(101, afterOne);
        Assert.Equal(101, afterTwo); // The wrong secret authenticated nobody: no tenant pays for it.
        Assert.Equal(HttpStatusCode.TooManyRequests, overQuota.StatusCode);
        // The token endpoint answers its refusals as RFC 6749 errors, limits included.
        var error = JsonNode.Parse(await overQuota.Content.ReadAsStringAsync())!;
        Assert.Equal("slow_down", error["error"]!.GetValue<string>());
        Assert.Contains("calls per UTC day", error["error_description"]!.GetValue<string>());
        Assert.Equal(TierConfig.Free.DailyQuota + 1, await TodaysCountAsync(redis, tenant.TenantId));
        Assert.False(bucketTouched, "a token request refused over the quota takes nothing from the agent's bucket");
    }

    /// <summary>A free tenant's count today (0 before its first call).</summary>
    internal static async Task<long> TodaysCountAsync(string redis, Guid tenant)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis);
        var value = await connection.GetDatabase().StringGetAsync(DailyQuota.Key(Tier.Free, tenant, DateOnly.FromDateTime(DateTime.UtcNow)));
        return value.HasValue ? (long)value : 0;
    }

    internal static async Task<ApiFactory> Enforcing() => Enforcing(await ApiFactory.CreateAsync());

    internal static ApiFactory Enforcing(ApiFactory factory)
    {
        factory.Settings["TIER_ENFORCEMENT"] = "true";
        return factory;
    }

    internal static async Task<TestApi.TenantCredentials> CreateTenantAsync(HttpClient http, string tier)
    {
        var created = await http.SendJsonAsync(HttpMethod.Post, "/api/tenants", await http.PlatformTokenAsync(), new { name = "Tiered", tier });
        return new TestApi.TenantCredentials(Guid.Parse(created["tenant"]!["id"]!.GetValue<string>()),
            created["adminClientId"]!.GetValue<string>(), created["adminClientSecret"]!.GetValue<string>());
    }

    internal static async Task SetTodaysCountAsync(string redis, Tier tier, Guid tenant, long count, DateOnly? day = null)
    {
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis);
        await connection.GetDatabase().StringSetAsync(DailyQuota.Key(tier, tenant, day ?? DateOnly.FromDateTime(DateTime.UtcNow)), count, TimeSpan.FromDays(2));
    }

    private static async Task<string> PolicyAsync(HttpClient http, string token)
    {
        using var response = await http.SendAsync(TestApi.Authorized(HttpMethod.Get, "/api/tenant", token));
        return response.Headers.GetValues("RateLimit-Policy").Single();
    }

    internal static MeterListener DecisionListener(Action<string, long> onDecision)
    {
        var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == TierMetrics.MeterName && instrument.Name == "agentidp.tiers.decisions") l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, tags, _) =>
        {
            foreach (var tag in tags) if (tag.Key == "outcome") onDecision((string)tag.Value!, value);
        });
        listener.Start();
        return listener;
    }
}
