using Microsoft.Extensions.Options;
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

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            // Soon after start as well as on the timer: replicas restarted more often than the interval still clean up.
            await Task.Delay(FirstRunDelay, clock, stoppingToken);
            using var timer = new PeriodicTimer(TimeSpan.FromMinutes(options.Value.RetentionIntervalMinutes), clock);
            do
            {
                try
                {
                    await RunOnceAsync(stoppingToken);
                }
                catch (Exception e) when (e is NpgsqlException or TimeoutException)
                {
                    LogFailed(logger, e.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One pass; returns the rows it deleted, or 0 when another replica holds the lock.</summary>
    public async Task<long> RunOnceAsync(CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        // created_at is never earlier than the row's day, so a row created before the window's first day is outside it.
        var cutoff = new DateTimeOffset(today.AddDays(1 - RetentionDays).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero);
        await using var connection = await db.OpenConnectionAsync(ct);
        if (!await AdvisoryAsync(connection, "pg_try_advisory_lock", ct)) return 0;
        long deleted = 0;
        try
        {
            int batch;
            do
            {
                await using var cmd = new NpgsqlCommand("""
                    DELETE FROM analytics_events WHERE ctid = ANY (ARRAY(
                        SELECT ctid FROM analytics_events WHERE created_at < @cutoff LIMIT @batch FOR UPDATE SKIP LOCKED))
                    """, connection);
                cmd.Parameters.AddWithValue("cutoff", cutoff);
                cmd.Parameters.AddWithValue("batch", options.Value.RetentionBatchSize);
                batch = await cmd.ExecuteNonQueryAsync(ct);
                deleted += batch;
                telemetry.Deleted(batch);
            }
            while (batch == options.Value.RetentionBatchSize);

            await using var flushes = new NpgsqlCommand("DELETE FROM analytics_flushes WHERE flushed_at < @before", connection);
            flushes.Parameters.AddWithValue("before", clock.GetUtcNow() - FlushIdsKept);
            await flushes.ExecuteNonQueryAsync(ct);
        }
        finally
        {
            await AdvisoryAsync(connection, "pg_advisory_unlock", CancellationToken.None);
        }
        if (deleted > 0) LogDeleted(logger, deleted, cutoff);
        return deleted;
    }

    private static async Task<bool> AdvisoryAsync(NpgsqlConnection connection, string function, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"SELECT {function}(@key)", connection);
        cmd.Parameters.AddWithValue("key", AdvisoryLockKey);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Analytics retention deleted {Rows} rollups created before {Cutoff}")]
    private static partial void LogDeleted(ILogger logger, long rows, DateTimeOffset cutoff);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Analytics retention failed, will try again: {Reason}")]
    private static partial void LogFailed(ILogger logger, string reason);
}
