using AgentIdP.Api.Platform;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace AgentIdP.Api.Tiers;

/// <summary>
/// A circuit breaker around the limiter's Redis calls. After a failure the circuit opens for a few seconds and
/// callers skip Redis (daily quota not counted, per-second limit kept locally) instead of each waiting for a timeout;
/// then one call tries again. A warning is logged once per state change, and <c>/health</c> reports tier enforcement as
/// degraded while it is open, and says so when it runs in shadow mode.
/// </summary>
public sealed partial class RedisCircuit(TimeProvider clock, ReplicaCensus census, IOptions<FeatureFlags> flags, ILogger<RedisCircuit> logger) : IHealthCheck
{
    public static readonly TimeSpan OpenFor = TimeSpan.FromSeconds(3);
    private long _openUntilTicks;
    private int _open;
    private string? _lastError;

    /// <summary>True while callers should not try Redis.</summary>
    public bool IsOpen => Volatile.Read(ref _open) == 1 && clock.GetUtcNow().UtcTicks < Volatile.Read(ref _openUntilTicks);

    public void Failure(Exception e)
    {
        Volatile.Write(ref _openUntilTicks, (clock.GetUtcNow() + OpenFor).UtcTicks);
        _lastError = e.Message;
        if (Interlocked.Exchange(ref _open, 1) == 0) LogOpened(logger, e.Message);
    }

    public void Success()
    {
        if (Interlocked.Exchange(ref _open, 0) == 1) LogClosed(logger);
    }

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default) =>
        Task.FromResult(Volatile.Read(ref _open) == 1
            ? HealthCheckResult.Degraded(
                $"Redis unavailable: daily quotas are not counted (fail-open); per-second limits hold locally, each replica allowing 1/{census.Count} of a tier's rate ({census.Count} replicas seen alive). {_lastError}")
            : HealthCheckResult.Healthy(flags.Value.TierEnforcement
                ? "Tier limits enforced, exact across replicas."
                : "Shadow mode (TIER_ENFORCEMENT=false): limits are counted and would-be rejections measured (agentidp.tiers.decisions, outcome=would_reject); nothing is rejected."));

    [LoggerMessage(Level = LogLevel.Warning, Message = "Tier enforcement degraded: Redis is unavailable ({Reason}). Per-second limits hold locally at each replica's share; daily quotas are not counted until Redis returns.")]
    private static partial void LogOpened(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Tier enforcement restored: Redis answers again.")]
    private static partial void LogClosed(ILogger logger);
}
