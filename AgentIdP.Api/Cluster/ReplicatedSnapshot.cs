using System.Security.Cryptography;
using AgentIdP.Api.Platform;
using Npgsql;

namespace AgentIdP.Api.Cluster;

/// <summary>
/// The one load / refresh-timer / cluster-notify loop behind each <see cref="IReplicatedState{TEvent}"/>: it listens for
/// <typeparamref name="TEvent"/>, loads once at startup (a failure there stops startup), then reloads every
/// <c>refreshEvery</c>, keeping what it has when Postgres is away.
/// </summary>
public sealed partial class ReplicatedSnapshot<TState, TEvent>(
    TState state, ClusterEvents cluster, TimeSpan refreshEvery, TimeProvider clock, ILogger<TState> logger)
    : BackgroundService, IStartupTask
    where TState : IReplicatedState<TEvent>
    where TEvent : IClusterEvent
{
    private readonly TaskCompletionSource _loaded = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public StartupStage Stage => StartupStage.Warm;

    public async Task RunAsync(CancellationToken ct)
    {
        cluster.On<TEvent>(change => Apply(change));
        await state.LoadAsync(ct);
        _loaded.TrySetResult();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // The timer starts after the first load, so the two never run at once.
        await _loaded.Task.WaitAsync(stoppingToken);
        using var timer = new PeriodicTimer(refreshEvery, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken)) await SafelyAsync(state.LoadAsync(stoppingToken));
    }

    private void Apply(TEvent change)
    {
        var applying = state.ApplyAsync(change, CancellationToken.None);
        if (!applying.IsCompletedSuccessfully) _ = SafelyAsync(applying.AsTask());
    }

    /// <summary>An outage (Postgres away, a key not unwrappable yet) is logged and waited out; the next tick tries again.</summary>
    private async Task SafelyAsync(Task loading)
    {
        try
        {
            await loading;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or CryptographicException)
        {
            LogRefreshFailed(logger, TEvent.Type, e.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not refresh the in-memory {Type} state: {Reason}")]
    private static partial void LogRefreshFailed(ILogger logger, string type, string reason);
}
