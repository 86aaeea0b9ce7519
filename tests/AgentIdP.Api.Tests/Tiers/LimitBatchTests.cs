using AgentIdP.Api.Data;
using AgentIdP.Api.Tiers;
using AgentIdP.TestSupport;
using StackExchange.Redis;

namespace AgentIdP.Api.Tests.Tiers;

/// <summary>
/// A request's limits are decided in Redis, many requests per round trip. Sharing must not change a single decision:
/// every call gets its own place in the count, as if it had sent its own script, and the per-second rates admit exactly
/// burst + rate × elapsed time.
/// </summary>
public sealed class LimitBatchTests : IAsyncLifetime
{
    private static readonly long ExpireAt = DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeSeconds();

    // Each test has its own Redis, connected as the API connects.
    private readonly RedisServer _redis = new();
    private ConnectionMultiplexer _connection = null!;
    private LimitBatch _limits = null!;

    public async Task InitializeAsync()
    {
        await _redis.StartAsync();
        var options = ConfigurationOptions.Parse(_redis.ConnectionString);
        options.AbortOnConnectFail = false;
        options.AllowAdmin = true;
        options.AsyncTimeout = options.SyncTimeout = 1000;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.SocketManager = SocketManager.ThreadPool; // As the API configures it (Data/DataExtensions.cs).
        _connection = await ConnectionMultiplexer.ConnectAsync(options);
        _limits = new LimitBatch(_connection);
    }

    public async Task DisposeAsync()
    {
        await _connection.DisposeAsync();
        await _redis.DisposeAsync();
    }

    [Fact]
    public async Task Concurrent_calls_each_get_their_own_place_in_the_count_in_far_fewer_round_trips()
    {
        RedisKey[] keys = ["quota:a", "quota:b", "quota:c"];
        await _connection.GetDatabase().StringSetAsync("quota:c", 1000); // A key with a count already, and no expiry.
        var before = await ScriptCallsAsync();

        // 3,000 calls at once, over 3 keys, from many threads.
        var calls = await Task.WhenAll(Enumerable.Range(0, 3_000).Select(i => Task.Run(async () =>
        {
            var key = keys[i % keys.Length];
            return (Key: key, Count: await CountAsync(key, ExpireAt));
        })));

        foreach (var key in keys)
        {
            var start = key == "quota:c" ? 1000 : 0;
            var counts = calls.Where(c => c.Key == key).Select(c => c.Count).Order().ToArray();
            Assert.Equal(Enumerable.Range(start + 1, 1_000).Select(n => (long)n), counts);
            Assert.Equal(start + 1_000, (long)await _connection.GetDatabase().StringGetAsync(key));
            var ttl = await _connection.GetDatabase().KeyTimeToLiveAsync(key);
            Assert.NotNull(ttl); // Given its expiry, the key that had none included.
            Assert.InRange(ttl.Value, TimeSpan.FromHours(23), TimeSpan.FromHours(24.1));
        }
        var roundTrips = await ScriptCallsAsync() - before;
        Assert.InRange(roundTrips, 1, 300); // One script per batch, not one per call.
    }

    [Fact]
    public async Task No_call_is_left_waiting_when_it_arrives_as_the_sender_finds_the_queue_empty()
    {
        // The hand-over between a sender that is stopping and a call that is arriving: if both looked before the other
        // had written, the call would wait for a sender that never comes (until some later call starts one). Callers
        // here arrive one at a time, just as the previous batch returns, and nothing comes later to rescue them.
        var stranded = 0;
        await Task.WhenAll(Enumerable.Range(0, 4).Select(worker => Task.Run(async () =>
        {
            for (var i = 0; i < 5_000; i++)
            {
                var call = CountAsync($"quota:{worker}", ExpireAt);
                if (await Task.WhenAny(call, Task.Delay(TimeSpan.FromSeconds(10))) != call)
                {
                    Interlocked.Increment(ref stranded);
                    return;
                }
            }
        })));
        Assert.Equal(0, stranded);
    }

    [Fact]
    public async Task A_failed_round_trip_fails_its_callers_and_the_next_calls_go_out_again()
    {
        Assert.Equal(1, await CountAsync("quota:x", ExpireAt));

        await _redis.StopAsync();
        var failed = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            try
            {
                await CountAsync("quota:x", ExpireAt);
                return null;
            }
            catch (Exception e)
            {
                return e;
            }
        }));
        Assert.All(failed, e => Assert.True(e is not null && RedisUnavailable.Is(e), e?.ToString() ?? "counted while Redis was down"));

        await _redis.StartAsync(); // An empty Redis: the count starts over.
        long? counted = null;
        for (var attempt = 0; attempt < 50 && counted is null; attempt++)
        {
            try
            {
                counted = await CountAsync("quota:y", ExpireAt);
            }
            catch (Exception e) when (RedisUnavailable.Is(e))
            {
                await Task.Delay(100); // Still reconnecting.
            }
        }
        Assert.Equal(1, counted);
    }

    /// <summary>Counts one call on <paramref name="quota"/> with no limit in reach; returns the count including it.</summary>
    private async Task<long> CountAsync(RedisKey quota, long expireAt) =>
        (await _limits.DecideAsync(new LimitCall($"rate:{quota}", 1_000_000, 1_000_000, quota, expireAt, long.MaxValue, default, 1, 1, true, false))).DailyCount;

    private static LimitCall Call(string tenant, int rate, int burst, long quota = long.MaxValue, string? agent = null, int agentRate = 1,
        int agentBurst = 1, bool enforce = true, bool overQuotaAllowed = false) =>
        new($"rate:tenant:{tenant}", rate, burst, $"quota:{tenant}", ExpireAt, quota,
            agent is null ? default : (RedisKey)$"rate:agent:{agent}", agentRate, agentBurst, enforce, overQuotaAllowed);

    [Fact]
    public async Task A_burst_of_concurrent_calls_admits_exactly_the_tiers_burst_and_counts_only_the_admitted()
    {
        // Rate 1/s, so the few milliseconds the 200 calls take add nothing to the 20 of the burst.
        var results = await Task.WhenAll(Enumerable.Range(0, 200).Select(_ => Task.Run(() => _limits.DecideAsync(Call("t1", 1, 20)))));
        Assert.Equal(20, results.Count(r => r.Refused == LimitOutcome.Admitted));
        Assert.All(results.Where(r => r.Refused != LimitOutcome.Admitted), r =>
        {
            Assert.Equal(LimitOutcome.TenantRate, r.Refused);
            Assert.InRange(r.RetryAfterMs, 1, 1_000);
            Assert.Equal(0, r.DailyCount);
        });
        Assert.Equal(20, (long)await _connection.GetDatabase().StringGetAsync("quota:t1"));
        Assert.Equal(Enumerable.Range(0, 20).Select(n => (long)n), results.Where(r => r.Refused == LimitOutcome.Admitted).Select(r => r.Remaining).Order());
    }

    [Fact]
    public async Task The_rate_refills_continuously()
    {
        // The call that ends the loop is the first refusal (a separate call after it could already find a refill).
        LimitResult refused;
        while ((refused = await _limits.DecideAsync(Call("t2", 50, 5))).Refused == LimitOutcome.Admitted) { }
        Assert.Equal(LimitOutcome.TenantRate, refused.Refused);
        await Task.Delay(TimeSpan.FromMilliseconds(refused.RetryAfterMs + 20)); // 50/s: one call every 20 ms.
        Assert.Equal(LimitOutcome.Admitted, (await _limits.DecideAsync(Call("t2", 50, 5))).Refused);
    }

    [Fact]
    public async Task Over_the_daily_quota_calls_are_refused_unless_allowed_and_still_counted()
    {
        var outcomes = new List<LimitOutcome>();
        for (var i = 0; i < 5; i++) outcomes.Add((await _limits.DecideAsync(Call("t3", 1000, 1000, quota: 3))).Refused);
        Assert.Equal([LimitOutcome.Admitted, LimitOutcome.Admitted, LimitOutcome.Admitted, LimitOutcome.DailyQuota, LimitOutcome.DailyQuota], outcomes);
        var allowed = await _limits.DecideAsync(Call("t3", 1000, 1000, quota: 3, overQuotaAllowed: true));
        Assert.Equal(LimitOutcome.Admitted, allowed.Refused);
        Assert.Equal(6, allowed.DailyCount);
    }

    [Fact]
    public async Task An_agents_own_bucket_refuses_it_without_refusing_its_tenant()
    {
        var outcomes = new List<LimitOutcome>();
        for (var i = 0; i < 4; i++) outcomes.Add((await _limits.DecideAsync(Call("t4", 1000, 1000, agent: "a", agentRate: 1, agentBurst: 2))).Refused);
        Assert.Equal([LimitOutcome.Admitted, LimitOutcome.Admitted, LimitOutcome.AgentRate, LimitOutcome.AgentRate], outcomes);
        Assert.Equal(LimitOutcome.Admitted, (await _limits.DecideAsync(Call("t4", 1000, 1000, agent: "b", agentRate: 1, agentBurst: 2))).Refused);
        Assert.Equal(LimitOutcome.Admitted, (await _limits.DecideAsync(Call("t4", 1000, 1000))).Refused);
    }

    [Fact]
    public async Task In_shadow_mode_calls_over_a_limit_are_reported_but_admitted_and_counted()
    {
        var results = new List<LimitResult>();
        for (var i = 0; i < 6; i++) results.Add(await _limits.DecideAsync(Call("t5", 1, 3, quota: 100, enforce: false)));
        Assert.Equal(3, results.Count(r => r.Refused == LimitOutcome.Admitted));
        Assert.Equal(3, results.Count(r => r.Refused == LimitOutcome.TenantRate));
        Assert.Equal(Enumerable.Range(1, 6).Select(n => (long)n), results.Select(r => r.DailyCount));
    }

    /// <summary>Scripts Redis has run (EVAL and EVALSHA), from its command statistics.</summary>
    private async Task<long> ScriptCallsAsync()
    {
        var stats = await _connection.GetServers()[0].InfoAsync("commandstats");
        return stats.SelectMany(g => g)
            .Where(p => p.Key is "cmdstat_eval" or "cmdstat_evalsha")
            .Sum(p => long.Parse(p.Value.Split(',')[0]["calls=".Length..]));
    }
}
