namespace AgentIdP.Api.Cluster;

/// <summary>
/// State every replica holds in memory, loaded from Postgres (the source of truth) and kept current by
/// <see cref="ReplicatedSnapshot{TState, TEvent}"/>: announced changes reach every replica at once, a timer reloads as a
/// safety net, and the first load finishes before the server takes requests.
/// </summary>
public interface IReplicatedState<in TEvent> where TEvent : IClusterEvent
{
    /// <summary>Reads the state from Postgres (all of it, or what changed since the last load).</summary>
    Task LoadAsync(CancellationToken ct);

    /// <summary>Applies an announced change. Completes synchronously when it can, so the replica that announced it sees it at once.</summary>
    ValueTask ApplyAsync(TEvent change, CancellationToken ct);
}
