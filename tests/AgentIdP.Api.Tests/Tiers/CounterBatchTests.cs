using AgentIdP.Api.Data;
using AgentIdP.Api.Tiers;
using AgentIdP.TestSupport;
using StackExchange.Redis;

namespace AgentIdP.Api.Tests.Tiers;

/// <summary>
/// The daily quota's counters share round trips. Sharing must not change a single count: every call gets its own place,
/// as if it had sent its own INCR.
/// </summary>
public sealed class CounterBatchTests : IAsyncLifetime
{
    private static readonly long ExpireAt = DateTimeOffset.UtcNow.AddDays(1).ToUnixTimeSeconds();

    // Each test has its own Redis, connected as the API connects.
    private readonly RedisServer _redis = new();
    private ConnectionMultiplexer _connection = null!;
    private CounterBatch _counters = null!;

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
        _counters = new CounterBatch(_connection);
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
            return (Key: key, Count: await _counters.IncrementAsync(key, ExpireAt));
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
                var call = _counters.IncrementAsync($"quota:{worker}", ExpireAt);
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
        Assert.Equal(1, await _counters.IncrementAsync("quota:x", ExpireAt));

        await _redis.StopAsync();
        var failed = await Task.WhenAll(Enumerable.Range(0, 20).Select(async _ =>
        {
            try
            {
                await _counters.IncrementAsync("quota:x", ExpireAt);
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
                counted = await _counters.IncrementAsync("quota:y", ExpireAt);
            }
            catch (Exception e) when (RedisUnavailable.Is(e))
            {
                await Task.Delay(100); // Still reconnecting.
            }
        }
        Assert.Equal(1, counted);
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
