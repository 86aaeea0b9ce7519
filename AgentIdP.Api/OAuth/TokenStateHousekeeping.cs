using AgentIdP.Api.Data;
using Npgsql;

namespace AgentIdP.Api.OAuth;

/// <summary>
/// Prunes token state nothing can need any more: revocations and used client assertions whose tokens expired more
/// than the clock skew ago, and watermarks past their keep time (a suspended tenant's stays while the tenant exists). One replica at a time,
/// in batches (<see cref="Housekeeping"/>).
/// </summary>
public sealed partial class TokenStateHousekeeping(NpgsqlDataSource db, TimeProvider clock, ILogger<TokenStateHousekeeping> logger) : BackgroundService
{
    public static readonly TimeSpan Interval = TimeSpan.FromMinutes(10);
    public const int BatchSize = 5_000;

    /// <summary>An arbitrary constant every replica agrees on ("AIdPToks" in ASCII).</summary>
    private const long AdvisoryLockKey = 0x41496450_546F6B73;

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Housekeeping.RepeatAsync(
        TimeSpan.FromMinutes(1), Interval, clock, RunOnceAsync, e => LogFailed(logger, e.Message), stoppingToken);

    /// <summary>One pass; the rows it deleted, or null when another replica is doing it.</summary>
    public async Task<long?> RunOnceAsync(CancellationToken ct)
    {
        // A row is kept until the clock skew after it stopped mattering: validation and assertion checks allow that much.
        var before = clock.GetUtcNow() - TokenValidator.ClockSkew;
        var deleted = await Housekeeping.ExclusivelyAsync(db, AdvisoryLockKey, async connection =>
        {
            void Before(NpgsqlParameterCollection p) => p.AddWithValue("before", before);
            return await Housekeeping.DeleteInBatchesAsync(connection, "revoked_tokens", "expires_at < @before", BatchSize, Before, null, ct)
                + await Housekeeping.DeleteInBatchesAsync(connection, "used_client_assertions", "expires_at < @before", BatchSize, Before, null, ct)
                + await Housekeeping.DeleteInBatchesAsync(connection, "token_watermarks", """
                    keep_until < @before
                    AND (NOT suspended OR (kind = 'tenant' AND NOT EXISTS (SELECT 1 FROM tenants t WHERE t.id::text = token_watermarks.id)))
                    """, BatchSize, Before, null, ct);
        }, ct);
        if (deleted > 0) LogPruned(logger, deleted.Value);
        return deleted;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Pruned {Rows} expired revocations, used client assertions and token watermarks")]
    private static partial void LogPruned(ILogger logger, long rows);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Pruning expired token state failed, will try again: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}
