using System.Diagnostics.Metrics;
using System.Net;
using AgentIdP.Api.Analytics;
using AgentIdP.Api.Platform;
using AgentIdP.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace AgentIdP.Api.Tests.Analytics;

/// <summary>The recording pipeline end to end: token endpoint and API calls → memory → batched flushes → analytics_events.</summary>
public sealed class AnalyticsRecordingTests
{
    private const string Unlimited = "1000000";

    [Fact]
    public async Task Thousands_of_tokens_across_two_replicas_are_counted_exactly_once_after_a_graceful_stop()
    {
        const int tokens = 3000;
        var servers = await Servers.SharedAsync();
        var database = await servers.CreateDatabaseAsync("an");
        var replicas = new[] { Replica(database, servers.RedisConnectionString), Replica(database, servers.RedisConnectionString) };
        var clients = replicas.Select(r => r.CreateClient()).ToArray();
        var tenant = await clients[0].CreateTenantAsync();
        var admin = await clients[0].AdminTokenAsync(tenant);
        var agents = new List<TestApi.AgentCredentials>();
        for (var i = 0; i < 4; i++) agents.Add(await clients[0].CreateAgentAsync(admin, new { name = $"Agent {i}" }));

        var issued = 0;
        await Parallel.ForEachAsync(Enumerable.Range(0, tokens), new ParallelOptions { MaxDegreeOfParallelism = 8 }, async (i, _) =>
        {
            var agent = agents[i % agents.Count];
            using var response = await clients[i % 2].RequestTokenAsync(agent.ClientId, agent.ClientSecret);
            if (response.StatusCode == HttpStatusCode.OK) Interlocked.Increment(ref issued);
        });
        // Flushes ran every second while tokens were issued; the graceful stop flushes the rest.
        foreach (var client in clients) client.Dispose();
        foreach (var replica in replicas) await replica.DisposeAsync();

        Assert.Equal(tokens, issued);
        foreach (var agent in agents)
        {
            Assert.Equal(tokens / agents.Count, await AnalyticsTestData.SumAsync(database, tenant.TenantId, "token_issued", agent.AgentId));
        }
        Assert.Equal(1, await AnalyticsTestData.SumAsync(database, tenant.TenantId, "token_issued", Guid.Empty)); // the admin's own token
    }

    [Fact]
    public async Task Counts_made_while_postgres_is_down_survive_failed_flushes_and_land_once_it_is_back()
    {
        var servers = await Servers.SharedAsync();
        await using var postgres = new PostgresServer();
        await postgres.StartAsync();
        var database = postgres.ConnectionString("analytics_outage");
        await using var api = Replica(database, servers.RedisConnectionString);
        using var http = api.CreateClient();
        var tenant = await http.CreateTenantAsync();
        var admin = await http.AdminTokenAsync(tenant);
        var agent = await http.CreateAgentAsync(admin);
        var issued = 0;
        for (var i = 0; i < 20; i++) issued += await TokenAsync(http, agent);
        Assert.True(await api.FlushAsync());

        await postgres.StopAsync();
        // Clients are cached in memory and tokens are checked from memory, so the IdP keeps working without its database.
        for (var i = 0; i < 30; i++) issued += await TokenAsync(http, agent);
        for (var i = 0; i < 10; i++)
        {
            using var call = await http.SendAsync(TestApi.Authorized(HttpMethod.Get, "/api/tenant", admin));
            Assert.Equal(HttpStatusCode.ServiceUnavailable, call.StatusCode);
        }
        Assert.False(await api.FlushAsync());
        await Task.Delay(TimeSpan.FromSeconds(2.5)); // the background flushes fail too
        await postgres.StartAsync();

        await Eventually.TrueAsync(async () => await AnalyticsTestData.SumAsync(database, tenant.TenantId, "token_issued", agent.AgentId) == issued,
            TimeSpan.FromSeconds(30), "the counts kept in memory reach the database once it is back");
        Assert.True(issued > 20, "some tokens were issued during the outage");
        Assert.True(await api.FlushAsync());
        Assert.Equal(issued, await AnalyticsTestData.SumAsync(database, tenant.TenantId, "token_issued", agent.AgentId));
        // Creating the agent, then ten calls during the outage.
        Assert.Equal(11, await AnalyticsTestData.SumAsync(database, tenant.TenantId, "api_call", Guid.Empty));
    }

    [Fact]
    public async Task Denied_requests_rate_limits_and_api_calls_are_recorded_for_the_agent_or_the_tenant()
    {
        await using var api = await ApiFactory.CreateAsync();
        api.Settings["Identity:AgentRateLimit:PerSecond"] = "1";
        api.Settings["Identity:AgentRateLimit:Burst"] = "2";
        using var http = api.CreateClient();
        var tenant = await http.CreateTenantAsync();
        var admin = await http.AdminTokenAsync(tenant);
        var agent = await http.CreateAgentAsync(admin);

        using (var badScope = await http.RequestTokenAsync(agent.ClientId, agent.ClientSecret, scope: "tenant:admin"))
        {
            Assert.Equal(HttpStatusCode.BadRequest, badScope.StatusCode);
        }
        using (var wrongSecret = await http.RequestTokenAsync(agent.ClientId, "not-the-secret"))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, wrongSecret.StatusCode); // unauthenticated: not counted for anyone
        }
        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 4; i++)
        {
            using var response = await http.RequestTokenAsync(agent.ClientId, agent.ClientSecret);
            statuses.Add(response.StatusCode);
        }
        var agentToken = await http.TokenAsync(agent.ClientId, agent.ClientSecret).ContinueWith(t => t.IsCompletedSuccessfully ? t.Result : null);
        var ok = statuses.Count(s => s == HttpStatusCode.OK) + (agentToken is null ? 0 : 1);
        var limited = statuses.Count(s => s == HttpStatusCode.TooManyRequests) + (agentToken is null ? 1 : 0);
        if (agentToken is not null)
        {
            using var forbidden = await http.SendAsync(TestApi.Authorized(HttpMethod.Get, "/api/agents", agentToken));
            Assert.Equal(HttpStatusCode.Forbidden, forbidden.StatusCode);
        }
        using (var own = await http.SendAsync(TestApi.Authorized(HttpMethod.Get, "/api/tenant", admin))) Assert.True(own.IsSuccessStatusCode);
        Assert.True(await api.FlushAsync());

        var db = api.DatabaseConnectionString;
        Assert.True(limited >= 1);
        Assert.Equal(ok, await AnalyticsTestData.SumAsync(db, tenant.TenantId, "token_issued", agent.AgentId));
        Assert.Equal(1, await AnalyticsTestData.SumAsync(db, tenant.TenantId, "token_issued", Guid.Empty));
        Assert.Equal(1 + limited, await AnalyticsTestData.SumAsync(db, tenant.TenantId, "token_denied", agent.AgentId));
        Assert.Equal(limited, await AnalyticsTestData.SumAsync(db, tenant.TenantId, "rate_limited", agent.AgentId));
        Assert.Equal(agentToken is null ? 0 : 1, await AnalyticsTestData.SumAsync(db, tenant.TenantId, "api_call", agent.AgentId));
        Assert.Equal(2, await AnalyticsTestData.SumAsync(db, tenant.TenantId, "api_call", Guid.Empty)); // create agent, read tenant
    }

    [Fact]
    public async Task Increments_on_either_side_of_utc_midnight_land_on_their_own_days()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 3, 9, 23, 59, 59, 500, TimeSpan.Zero));
        await using var api = (await ApiFactory.CreateAsync()).WithClock(clock);
        using var http = api.CreateClient();
        var tenant = await http.CreateTenantAsync();
        var admin = await http.AdminTokenAsync(tenant);
        var agent = await http.CreateAgentAsync(admin);

        await http.TokenAsync(agent.ClientId, agent.ClientSecret); // 23:59:59.500
        clock.Advance(TimeSpan.FromMilliseconds(499));
        await http.TokenAsync(agent.ClientId, agent.ClientSecret); // 23:59:59.999
        clock.Advance(TimeSpan.FromMilliseconds(1));
        await http.TokenAsync(agent.ClientId, agent.ClientSecret); // 00:00:00.000, the next UTC day
        Assert.True(await api.FlushAsync());

        var trend = await http.GetJsonAsync($"/api/analytics/trend?from=2025-03-09&to=2025-03-10&agentId={agent.AgentId}", admin);
        var summary = await http.GetJsonAsync("/api/analytics/summary", admin);

        Assert.Equal([2, 1], trend["points"]!.AsArray().Select(p => p!["count"]!.GetValue<long>()));
        Assert.Equal("2025-03-10", summary["today"]!.GetValue<string>());
        var tokensToday = summary["metrics"]!.AsArray().Single(m => m!["metric"]!.GetValue<string>() == "token_issued")!;
        Assert.Equal(1, tokensToday["today"]!.GetValue<long>());
        Assert.Equal(4, tokensToday["month"]!.GetValue<long>()); // with the admin's token
    }

    [Fact]
    public async Task With_analytics_disabled_nothing_is_recorded_and_the_endpoints_answer_404()
    {
        await using var api = await ApiFactory.CreateAsync();
        api.Settings[FeatureFlags.AnalyticsKey] = "false";
        using var http = api.CreateClient();
        var tenant = await http.CreateTenantAsync();
        var admin = await http.AdminTokenAsync(tenant);
        var agent = await http.CreateAgentAsync(admin);
        await http.TokenAsync(agent.ClientId, agent.ClientSecret);

        foreach (var path in new[] { "/api/analytics/trend", "/api/analytics/trend.csv", "/api/analytics/heatmap", "/api/analytics/summary" })
        {
            var (status, _) = await http.GetRawAsync(path, admin);
            Assert.Equal(HttpStatusCode.NotFound, status);
        }
        Assert.True(await api.FlushAsync());
        foreach (var metric in AnalyticsMetrics.All)
        {
            Assert.Equal(0, await AnalyticsTestData.SumAsync(api.DatabaseConnectionString, tenant.TenantId, metric.Name()));
        }
    }

    [Fact]
    public async Task Retention_deletes_rollups_older_than_90_days_in_batches_with_one_replica_at_a_time()
    {
        var servers = await Servers.SharedAsync();
        var database = await servers.CreateDatabaseAsync("ret");
        await using var a = Replica(database, servers.RedisConnectionString);
        await using var b = Replica(database, servers.RedisConnectionString);
        a.Settings["Analytics:RetentionBatchSize"] = b.Settings["Analytics:RetentionBatchSize"] = "7";
        using var http = a.CreateClient();
        b.CreateClient().Dispose();
        var tenant = Guid.NewGuid();
        await using (var connection = new NpgsqlConnection(database))
        {
            await connection.OpenAsync();
            // 50 rows from 91 to 140 days ago, and rows from 89 days ago and today that must stay.
            await using var cmd = new NpgsqlCommand("""
                INSERT INTO analytics_events (tenant_id, agent_id, metric, day, count, created_at)
                SELECT @tenant, gen_random_uuid(), 'token_issued', (now() - make_interval(days => d))::date, 1, now() - make_interval(days => d)
                FROM generate_series(91, 140) AS d
                UNION ALL SELECT @tenant, NULL, 'token_issued', (now() - interval '89 days')::date, 1, now() - interval '89 days'
                UNION ALL SELECT @tenant, NULL, 'api_call', now()::date, 1, now()
                """, connection);
            cmd.Parameters.AddWithValue("tenant", tenant);
            await cmd.ExecuteNonQueryAsync();
        }

        var runs = await Task.WhenAll(
            a.Services.GetRequiredService<AnalyticsRetention>().RunOnceAsync(CancellationToken.None),
            b.Services.GetRequiredService<AnalyticsRetention>().RunOnceAsync(CancellationToken.None));
        var again = await a.Services.GetRequiredService<AnalyticsRetention>().RunOnceAsync(CancellationToken.None);

        Assert.Equal(50, runs.Sum());
        Assert.Equal(0, again);
        Assert.Equal(1, await AnalyticsTestData.SumAsync(database, tenant, "token_issued"));
        Assert.Equal(1, await AnalyticsTestData.SumAsync(database, tenant, "api_call"));
    }

    [Fact]
    public async Task Concurrent_recording_and_draining_neither_lose_nor_double_count_an_increment()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var recorder = new AnalyticsRecorder(Options.Create(new FeatureFlags()), Options.Create(new AnalyticsOptions()),
            new AnalyticsTelemetry(services.GetRequiredService<IMeterFactory>()), TimeProvider.System);
        Guid[] tenants = [Guid.NewGuid(), Guid.NewGuid()];
        Guid?[] agents = [null, Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid()];
        const int writers = 4, perWriter = 200_000;
        var drained = new Dictionary<AnalyticsRecorder.Key, long>();
        var writing = writers;

        var drainer = Task.Run(() =>
        {
            while (Volatile.Read(ref writing) > 0) recorder.DrainInto(drained);
            recorder.DrainInto(drained);
        });
        Parallel.For(0, writers, w =>
        {
            for (var i = 0; i < perWriter; i++) recorder.Record(tenants[i % 2], agents[(i + w) % 4], AnalyticsMetrics.All[i % 5], 1 + i % 3);
            Interlocked.Decrement(ref writing);
        });
        await drainer;

        long expected = 0;
        for (var i = 0; i < perWriter; i++) expected += 1 + i % 3;
        Assert.Equal(expected * writers, drained.Values.Sum());
        Assert.Equal(0, recorder.Pending());
    }

    [Fact]
    public async Task The_demo_tenant_gets_four_weeks_of_rollups_once()
    {
        var servers = await Servers.SharedAsync();
        var database = await servers.CreateDatabaseAsync("demo");
        long rows = 0, total = 0;
        for (var run = 0; run < 2; run++)
        {
            await using var api = Replica(database, servers.RedisConnectionString);
            api.Settings[FeatureFlags.DemoSeedKey] = "true";
            api.Settings["Demo:AdminSecret"] = "demo-admin-secret-0123456789abcdef0123";
            using var http = api.CreateClient();
            await using var connection = new NpgsqlConnection(database);
            await connection.OpenAsync();
            await using var cmd = new NpgsqlCommand(
                "SELECT count(*), sum(count)::bigint, count(DISTINCT day) FROM analytics_events WHERE tenant_id = @tenant", connection);
            cmd.Parameters.AddWithValue("tenant", Demo.DemoSeed.TenantId);
            await using var reader = await cmd.ExecuteReaderAsync();
            await reader.ReadAsync();
            if (run == 0)
            {
                (rows, total) = (reader.GetInt64(0), reader.GetInt64(1));
                Assert.Equal(Demo.DemoSeed.AnalyticsDays, reader.GetInt64(2));
                Assert.Equal(5 * Demo.DemoSeed.AnalyticsDays * 4 + Demo.DemoSeed.AnalyticsDays, rows); // 5 agents × 4 metrics, plus tenant level
            }
            else
            {
                Assert.Equal((rows, total), (reader.GetInt64(0), reader.GetInt64(1)));
            }
        }
    }

    private static ApiFactory Replica(string database, string redis)
    {
        var api = new ApiFactory(database, redis);
        api.Settings["Analytics:FlushIntervalSeconds"] = "1";
        api.Settings["Identity:AgentRateLimit:PerSecond"] = Unlimited;
        api.Settings["Identity:AgentRateLimit:Burst"] = Unlimited;
        return api;
    }

    private static async Task<int> TokenAsync(HttpClient http, TestApi.AgentCredentials agent)
    {
        using var response = await http.RequestTokenAsync(agent.ClientId, agent.ClientSecret);
        return response.StatusCode == HttpStatusCode.OK ? 1 : 0;
    }
}
