using System.Collections.Concurrent;
using AgentIdP.Api.Data;
using AgentIdP.TestSupport;
using StackExchange.Redis;

namespace AgentIdP.Api.Tests.Platform;

/// <summary>
/// The fail-open paths (limits, quotas, card signatures, cluster events) catch what <see cref="RedisUnavailable"/>
/// recognises. Whatever the Redis client throws while its server goes away must be recognised; our own bugs must not.
/// </summary>
public sealed class RedisUnavailableTests
{
    [Fact]
    public async Task Every_exception_from_commands_in_flight_while_redis_stops_and_restarts_is_recognised()
    {
        await using var redis = new RedisServer();
        await redis.StartAsync();
        var options = ConfigurationOptions.Parse(redis.ConnectionString);
        options.AbortOnConnectFail = false;
        options.AsyncTimeout = options.SyncTimeout = 1000;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.SocketManager = SocketManager.ThreadPool; // As the API configures it (Data/DataExtensions.cs).
        await using var connection = await ConnectionMultiplexer.ConnectAsync(options);
        var script = LuaScript.Prepare("return redis.call('INCR', @key)");
        var thrown = new ConcurrentQueue<Exception>();
        var unrecognised = new ConcurrentQueue<Exception>();
        using var stop = new CancellationTokenSource();

        var load = Enumerable.Range(0, 32).Select(worker => Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                try
                {
                    await connection.GetDatabase().ScriptEvaluateAsync(script, new { key = (RedisKey)$"w{worker}" });
                }
                catch (Exception e)
                {
                    thrown.Enqueue(e);
                    if (!RedisUnavailable.Is(e)) unrecognised.Enqueue(e);
                    await Task.Delay(5); // Failing fast while Redis is down; do not spin.
                }
            }
        })).ToArray();
        for (var round = 0; round < 6; round++)
        {
            await Task.Delay(200);
            await redis.StopAsync();
            await Task.Delay(200);
            await redis.StartAsync();
        }
        await Task.Delay(200);
        await stop.CancelAsync();
        await Task.WhenAll(load);

        Assert.NotEmpty(thrown);
        Assert.True(unrecognised.IsEmpty, string.Join("\n\n", unrecognised.Take(3)));
    }

    [Fact]
    public void Our_own_invalid_operations_are_not_mistaken_for_redis_being_away()
    {
        Exception ours;
        try
        {
            throw new InvalidOperationException("a bug of ours");
        }
        catch (InvalidOperationException e)
        {
            ours = e;
        }

        Assert.False(RedisUnavailable.Is(ours));
        Assert.False(RedisUnavailable.Is(new ArgumentException("bad")));
        Assert.False(RedisUnavailable.Is(new OperationCanceledException("the client went away")));
        Assert.True(RedisUnavailable.Is(new RedisConnectionException(ConnectionFailureType.SocketClosed, "closed")));
        Assert.True(RedisUnavailable.Is(new RedisTimeoutException("slow", CommandStatus.Sent)));
    }

    [Fact]
    public async Task A_broken_script_is_a_bug_not_an_outage()
    {
        var servers = await Servers.SharedAsync();
        await using var connection = await ConnectionMultiplexer.ConnectAsync(servers.RedisConnectionString);
        var database = connection.GetDatabase();
        var compile = await Assert.ThrowsAsync<RedisServerException>(() => database.ScriptEvaluateAsync("local n = 1 endreturn n"));
        var run = await Assert.ThrowsAsync<RedisServerException>(() => database.ScriptEvaluateAsync("return nosuch.x"));
        var command = await Assert.ThrowsAsync<RedisServerException>(() => database.ScriptEvaluateAsync("return redis.call('NOPE')"));

        Assert.False(RedisUnavailable.Is(compile), compile.Message);
        Assert.False(RedisUnavailable.Is(run), run.Message);
        Assert.False(RedisUnavailable.Is(command), command.Message);
        Assert.True(RedisUnavailable.Is(new RedisServerException("BUSY Redis is busy running a script. You can only call SCRIPT KILL or SHUTDOWN NOSCRIPT.")));
    }
}
