using AgentIdP.Api.Data;
using System.Collections.Concurrent;
using StackExchange.Redis;

namespace AgentIdP.Api.Cluster;

/// <summary>
/// Tells the other replicas that something they hold in memory changed (a client, a key, a revocation, a tier), over
/// Redis pub/sub. Best effort: every in-memory copy also refreshes on a timer, so a lost message only delays.
/// </summary>
public sealed partial class ClusterEvents(IConnectionMultiplexer redis, ILogger<ClusterEvents> logger) : IHostedService
{
    private static readonly RedisChannel Channel = RedisChannel.Literal("agentidp:events");
    private readonly ConcurrentDictionary<string, Action<string>> _handlers = new();

    /// <summary>Calls <paramref name="handler"/> with the rest of each message that starts with <paramref name="topic"/> and a colon.</summary>
    public void On(string topic, Action<string> handler) => _handlers[topic] = handler;

    /// <summary>Handles the message on this replica now and tells the others.</summary>
    public void Publish(string topic, string payload)
    {
        Dispatch($"{topic}:{payload}");
        try
        {
            redis.GetSubscriber().Publish(Channel, $"{topic}:{payload}", CommandFlags.FireAndForget);
        }
        catch (Exception e) when (RedisUnavailable.Is(e))
        {
            LogPublishFailed(logger, topic, e.Message);
        }
    }

    public async Task StartAsync(CancellationToken ct)
    {
        try
        {
            await redis.GetSubscriber().SubscribeAsync(Channel, (_, message) => Dispatch(message.ToString()));
        }
        catch (Exception e) when (RedisUnavailable.Is(e))
        {
            // StackExchange.Redis restores subscriptions when it reconnects.
            LogPublishFailed(logger, "subscribe", e.Message);
        }
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

    private void Dispatch(string message)
    {
        var colon = message.IndexOf(':');
        if (colon <= 0 || !_handlers.TryGetValue(message[..colon], out var handler)) return;
        try
        {
            handler(message[(colon + 1)..]);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            LogBadMessage(logger, message[..colon]);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not reach Redis for cluster event {Topic}: {Reason}")]
    private static partial void LogPublishFailed(ILogger logger, string topic, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a malformed cluster event on topic {Topic}")]
    private static partial void LogBadMessage(ILogger logger, string topic);
}
