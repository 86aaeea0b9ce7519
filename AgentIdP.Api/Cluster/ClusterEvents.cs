using System.Collections.Concurrent;
using System.Text.Json;
using AgentIdP.Api.Data;
using AgentIdP.Api.Platform;
using StackExchange.Redis;

namespace AgentIdP.Api.Cluster;

/// <summary>
/// Tells the other replicas that something they hold in memory changed (a client, a key, a revocation, a tier), over
/// Redis pub/sub, as JSON <c>{"type": …, "event": {…}}</c>. Best effort: every in-memory copy also refreshes on a
/// timer, so a lost message only delays.
/// </summary>
public sealed partial class ClusterEvents(IConnectionMultiplexer redis, ILogger<ClusterEvents> logger) : IStartupTask
{
    // v2: typed JSON events. During a rolling upgrade, replicas on different formats do not parse each other's
    // messages; each side still catches up through its refresh timer.
    private static readonly RedisChannel Channel = RedisChannel.Literal("agentidp:events:v2");
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly ConcurrentDictionary<string, Action<JsonElement>> _handlers = new();

    /// <summary>Calls <paramref name="handler"/> with every <typeparamref name="T"/> announced, by this replica or another.</summary>
    public void On<T>(Action<T> handler) where T : IClusterEvent
    {
        void Handle(JsonElement e) => handler(e.Deserialize<T>(Json) ?? throw new JsonException($"A null {T.Type} event."));
        _handlers.AddOrUpdate(T.Type, Handle, (_, existing) => existing + Handle);
    }

    /// <summary>Handles the event on this replica now and tells the others.</summary>
    public void Publish<T>(T evt) where T : IClusterEvent
    {
        var message = JsonSerializer.Serialize(new Envelope(T.Type, JsonSerializer.SerializeToElement(evt, Json)), Json);
        Dispatch(message);
        try
        {
            redis.GetSubscriber().Publish(Channel, message, CommandFlags.FireAndForget);
        }
        catch (Exception e) when (RedisUnavailable.Is(e))
        {
            LogPublishFailed(logger, T.Type, e.Message);
        }
    }

    public StartupStage Stage => StartupStage.Subscribe;

    public async Task RunAsync(CancellationToken ct)
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

    private void Dispatch(string message)
    {
        string? type = null;
        try
        {
            var envelope = JsonSerializer.Deserialize<Envelope>(message, Json);
            type = envelope?.Type;
            if (type is null || !_handlers.TryGetValue(type, out var handler)) return;
            handler(envelope!.Event);
        }
        catch (JsonException)
        {
            LogBadMessage(logger, type ?? "(unreadable)");
        }
    }

    private sealed record Envelope(string Type, JsonElement Event);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not reach Redis for cluster event {Type}: {Reason}")]
    private static partial void LogPublishFailed(ILogger logger, string type, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored a malformed cluster event of type {Type}")]
    private static partial void LogBadMessage(ILogger logger, string type);
}
