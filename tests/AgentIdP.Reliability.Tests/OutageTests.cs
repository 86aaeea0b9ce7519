using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text.Json.Nodes;
using AgentIdP.TestSupport;
using Xunit.Abstractions;

namespace AgentIdP.Reliability.Tests;

/// <summary>Postgres or Redis going away under steady load, and coming back.</summary>
public sealed class OutageTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Bound = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task With_postgres_down_database_requests_get_503_problems_in_bounded_time_nothing_is_half_written_and_service_resumes()
    {
        await using var postgres = new PostgresServer();
        await postgres.StartAsync();
        var servers = await Servers.SharedAsync();
        await using var api = new ApiFactory(postgres.ConnectionString("agentidp"), servers.RedisConnectionString);
        using var http = api.CreateClient();
        var tenant = await http.CreateTenantAsync();
        var admin = await http.AdminTokenAsync(tenant);
        var agent = await http.CreateAgentAsync(admin, new { name = "Before the outage" });

        var load = new Load(http, admin, agent);
        var traffic = load.RunAsync();
        await Task.Delay(500);
        await postgres.StopAsync();
        await Task.Delay(2000);

        using var create = await http.SendAsync(TestApi.Authorized(HttpMethod.Post, "/api/agents", admin, new { name = "During the outage" }));
        var createProblem = JsonNode.Parse(await create.Content.ReadAsStringAsync())!;
        var duringHealth = await http.GetAsync("/health");

        await postgres.StartAsync();
        await Eventually.TrueAsync(async () => (await http.SendAsync(TestApi.Authorized(HttpMethod.Get, "/api/agents", admin))).IsSuccessStatusCode,
            TimeSpan.FromSeconds(20), "the API should serve again once Postgres is back, without a restart");
        load.Stop();
        await traffic;

        output.WriteLine(load.Summary());
        foreach (var line in api.Errors.Lines) output.WriteLine(line);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, create.StatusCode);
        Assert.Equal("application/problem+json", create.Content.Headers.ContentType?.MediaType);
        Assert.Equal(503, createProblem["status"]!.GetValue<int>());
        Assert.Equal(HttpStatusCode.ServiceUnavailable, duringHealth.StatusCode);
        Assert.Empty(load.ServerErrorsOtherThan503);
        Assert.True(load.Count(HttpStatusCode.ServiceUnavailable) > 0, "some requests met the outage");
        Assert.True(load.Slowest < Bound, $"slowest answer took {load.Slowest}");
        // Nothing from the outage was half-written: the agent does not exist and the audit chain still verifies.
        var agents = await http.SendJsonAsync(HttpMethod.Get, "/api/agents", admin);
        Assert.DoesNotContain(agents["items"]!.AsArray(), a => a!["name"]!.GetValue<string>() == "During the outage");
        Assert.True((await http.SendJsonAsync(HttpMethod.Get, "/api/audit/verify", admin))["valid"]!.GetValue<bool>());
    }

    [Fact]
    public async Task With_redis_down_two_instances_serve_without_5xx_and_a_token_revoked_before_stays_rejected_after()
    {
        var servers = await Servers.SharedAsync();
        await using var redis = new RedisServer();
        await redis.StartAsync();
        var database = await servers.CreateDatabaseAsync("redisout");
        await using var a = new ApiFactory(database, redis.ConnectionString);
        await using var b = new ApiFactory(database, redis.ConnectionString);
        a.Settings["TIER_ENFORCEMENT"] = b.Settings["TIER_ENFORCEMENT"] = "true";
        using var httpA = a.CreateClient();
        using var httpB = b.CreateClient();
        var tenant = await httpA.CreateTenantAsync();
        var admin = await httpA.AdminTokenAsync(tenant);
        var agent = await httpA.CreateAgentAsync(admin);
        await httpA.SendJsonAsync(HttpMethod.Put, $"/api/tenants/{tenant.TenantId}/tier", await httpA.PlatformTokenAsync(), new { tier = "enterprise" });
        var revoked = await httpA.TokenAsync(agent.ClientId, agent.ClientSecret);
        (await httpA.PostAsync("/oauth2/revoke", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = revoked, ["client_id"] = agent.ClientId, ["client_secret"] = agent.ClientSecret,
        }))).EnsureSuccessStatusCode();
        await Eventually.TrueAsync(async () => (await httpB.SendAsync(TestApi.Authorized(HttpMethod.Get, "/api/tenant", revoked))).StatusCode == HttpStatusCode.Unauthorized);

        var loadA = new Load(httpA, admin, agent);
        var loadB = new Load(httpB, admin, agent);
        var traffic = Task.WhenAll(loadA.RunAsync(), loadB.RunAsync());
        await Task.Delay(500);
        await redis.StopAsync();
        await Eventually.TrueAsync(async () => await StatusAsync(httpB) == "Degraded", TimeSpan.FromSeconds(15), "/health should say degraded");
        using var revokedDuring = await httpA.SendAsync(TestApi.Authorized(HttpMethod.Get, "/api/tenant", revoked));
        await Task.Delay(1000);
        await redis.StartAsync();
        await Eventually.TrueAsync(async () => await StatusAsync(httpA) == "Healthy" && await StatusAsync(httpB) == "Healthy", TimeSpan.FromSeconds(20));
        loadA.Stop();
        loadB.Stop();
        await traffic;
        using var revokedAfter = await httpB.SendAsync(TestApi.Authorized(HttpMethod.Get, "/api/tenant", revoked));
        using var rateHeaders = await httpB.SendAsync(TestApi.Authorized(HttpMethod.Get, "/api/tenant", admin));

        output.WriteLine("A: " + loadA.Summary());
        output.WriteLine("B: " + loadB.Summary());
        foreach (var line in a.Errors.Lines.Concat(b.Errors.Lines)) output.WriteLine(line);
        Assert.Empty(loadA.ServerErrors);
        Assert.Empty(loadB.ServerErrors);
        Assert.Equal(HttpStatusCode.Unauthorized, revokedDuring.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, revokedAfter.StatusCode);
        Assert.Contains("\"daily\";r=", rateHeaders.Headers.GetValues("RateLimit").Single());
    }

    private static async Task<string> StatusAsync(HttpClient http) =>
        JsonNode.Parse(await (await http.GetAsync("/health")).Content.ReadAsStringAsync())!["status"]!.GetValue<string>();

    /// <summary>Steady traffic of token requests and authenticated reads, recording every status and the slowest answer.</summary>
    private sealed class Load(HttpClient http, string adminToken, TestApi.AgentCredentials agent)
    {
        private readonly ConcurrentDictionary<HttpStatusCode, int> _statuses = new();
        private readonly ConcurrentQueue<string> _serverErrors = new();
        private readonly CancellationTokenSource _stop = new();
        private long _slowestTicks;

        public TimeSpan Slowest => TimeSpan.FromTicks(Interlocked.Read(ref _slowestTicks));
        public IReadOnlyCollection<string> ServerErrors => _serverErrors;
        public IEnumerable<string> ServerErrorsOtherThan503 => _serverErrors.Where(e => !e.StartsWith("503 application/problem+json", StringComparison.Ordinal));
        public int Count(HttpStatusCode status) => _statuses.GetValueOrDefault(status);

        public Task RunAsync() => Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; !_stop.IsCancellationRequested; i++)
            {
                var watch = Stopwatch.StartNew();
                using var response = (i + worker) % 2 == 0
                    ? await http.RequestTokenAsync(agent.ClientId, agent.ClientSecret)
                    : await http.SendAsync(TestApi.Authorized(HttpMethod.Get, "/api/agents", adminToken));
                var elapsed = watch.Elapsed.Ticks;
                long seen;
                while (elapsed > (seen = Interlocked.Read(ref _slowestTicks)) && Interlocked.CompareExchange(ref _slowestTicks, elapsed, seen) != seen) { }
                _statuses.AddOrUpdate(response.StatusCode, 1, (_, n) => n + 1);
                if ((int)response.StatusCode >= 500)
                {
                    _serverErrors.Enqueue($"{(int)response.StatusCode} {response.Content.Headers.ContentType?.MediaType} {await response.Content.ReadAsStringAsync()}");
                }
            }
        })));

        public void Stop() => _stop.Cancel();

        public string Summary() =>
            $"{_statuses.Values.Sum()} requests: {string.Join(", ", _statuses.OrderBy(s => s.Key).Select(s => $"{(int)s.Key}×{s.Value}"))}; slowest {Slowest.TotalMilliseconds:0} ms";
    }
}
