namespace AgentIdP.Api.Platform;

/// <summary>
/// Work a feature needs done before the server takes its first request. Features register their own; the
/// <see cref="StartupRunner"/> runs them stage by stage, so what runs first is decided here, not by the order of the
/// <c>AddXxx</c> calls in Program.cs.
/// </summary>
public interface IStartupTask
{
    StartupStage Stage { get; }

    Task RunAsync(CancellationToken ct);
}

/// <summary>The stages, in the order they run; the tasks of one stage run together.</summary>
public enum StartupStage
{
    /// <summary>The database schema is brought up to date; nothing reads the database before this stage ends.</summary>
    Migrate,

    /// <summary>Listeners for other replicas' announcements attach, so a change announced while state loads is not missed.</summary>
    Subscribe,

    /// <summary>In-memory copies of database state (keys, revocations, tiers) load.</summary>
    Warm,
}
