using Microsoft.Extensions.Options;
using AgentIdP.Api.Data;
using Npgsql;

namespace AgentIdP.Api.Analytics;

/// <summary>
/// Deletes rollups older than <see cref="RetentionDays"/> days, a batch per statement so a large backlog never holds
/// long locks. With two replicas, an advisory lock lets one of them do it at a time, and SKIP LOCKED steps around rows
/// a flush is updating.
/// </summary>
public sealed partial class AnalyticsRetention(
    NpgsqlDataSource db, IOptions<AnalyticsOptions> options, AnalyticsTelemetry telemetry, TimeProvider clock, ILogger<AnalyticsRetention> logger)
    : BackgroundService
{
    public const int RetentionDays = AnalyticsRangeRules.MaxDays;

    /// <summary>An arbitrary constant every replica agrees on ("AIdPRetn" in ASCII).</summary>
    private const long AdvisoryLockKey = 0x41496450_5265746E;

    /// <summary>How long applied batch ids are kept: far longer than any batch is retried.</summary>
    private static readonly TimeSpan FlushIdsKept = TimeSpan.FromDays(7);

    private static readonly TimeSpan FirstRunDelay = TimeSpan.FromSeconds(30);

    protected override Task ExecuteAsync(CancellationToken stoppingToken) => Housekeeping.RepeatAsync(
        FirstRunDelay, TimeSpan.FromMinutes(options.Value.RetentionIntervalMinutes), clock, RunOnceAsync, e => LogFailed(logger, e.Message), stoppingToken);

    /// <summary>One pass; returns the rows it deleted, or 0 when another replica holds the lock.</summary>
    public async Task<long> RunOnceAsync(CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        // created_at is never earlier than the row's day, so a row created before the window's first day is outside it.
        var cutoff = new DateTimeOffset(today.AddDays(1 - RetentionDays).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        var deleted = await Housekeeping.ExclusivelyAsync(db, AdvisoryLockKey, async connection =>
        {
            var rows = await Housekeeping.DeleteInBatchesAsync(connection, "analytics_events", "created_at < @cutoff",
                options.Value.RetentionBatchSize, p => p.AddWithValue("cutoff", cutoff), b => telemetry.Deleted(b), ct);
            await using var flushes = new NpgsqlCommand("DELETE FROM analytics_flushes WHERE flushed_at < @before", connection);
            flushes.Parameters.AddWithValue("before", clock.GetUtcNow() - FlushIdsKept);
            await flushes.ExecuteNonQueryAsync(ct);
            return rows;
        }, ct) ?? 0;
        if (deleted > 0) LogDeleted(logger, deleted, cutoff);
        return deleted;
    }

    /// <summary>
    /// Deletes a tenant's analytics inside the caller's transaction (the tenant is being deleted): these tables have no
    /// foreign key to tenants, so no cascade reaches them. A new analytics table is added here.
    /// </summary>
    public static async Task DeleteTenantAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid tenantId, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            DELETE FROM analytics_events WHERE tenant_id = @tenant;
            DELETE FROM analytics_tenant_daily WHERE tenant_id = @tenant;
            DELETE FROM analytics_agent_weekly WHERE tenant_id = @tenant;
            """, connection, tx);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Analytics retention deleted {Rows} rollups created before {Cutoff}")]
    private static partial void LogDeleted(ILogger logger, long rows, DateTimeOffset cutoff);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Analytics retention failed, will try again: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}
