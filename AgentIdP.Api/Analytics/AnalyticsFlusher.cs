using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace AgentIdP.Api.Analytics;

/// <summary>
/// Moves the recorder's counts to <c>analytics_events</c> every few seconds and once more on graceful shutdown, as one
/// batched upsert per flush. A batch that fails is kept as it is and retried with the same id (its id is recorded in
/// the same transaction, so a batch whose commit outcome was unknown is never added twice); meanwhile new increments keep
/// merging in the recorder, so memory stays bounded by the number of distinct keys.
/// </summary>
public sealed partial class AnalyticsFlusher : BackgroundService
{
    private readonly AnalyticsRecorder _recorder;
    private readonly NpgsqlDataSource _db;
    private readonly AnalyticsTelemetry _telemetry;
    private readonly TimeProvider _clock;
    private readonly ILogger<AnalyticsFlusher> _logger;
    private readonly TimeSpan _interval;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private Batch? _unwritten;
    private long _lastSuccessTicks;

    public AnalyticsFlusher(AnalyticsRecorder recorder, NpgsqlDataSource db, IOptions<AnalyticsOptions> options, AnalyticsTelemetry telemetry,
        TimeProvider clock, ILogger<AnalyticsFlusher> logger)
    {
        (_recorder, _db, _telemetry, _clock, _logger) = (recorder, db, telemetry, clock, logger);
        _interval = TimeSpan.FromSeconds(options.Value.FlushIntervalSeconds);
        _lastSuccessTicks = clock.GetUtcNow().UtcTicks;
        telemetry.Observe(
            () => recorder.Pending() + (Volatile.Read(ref _unwritten)?.Total ?? 0),
            () => (clock.GetUtcNow().UtcTicks - Interlocked.Read(ref _lastSuccessTicks)) / (double)TimeSpan.TicksPerSecond);
    }

    /// <summary>A frozen set of counts with the id that makes writing it idempotent.</summary>
    private sealed class Batch(Guid id, KeyValuePair<AnalyticsRecorder.Key, long>[] rows)
    {
        public Guid Id { get; } = id;
        public KeyValuePair<AnalyticsRecorder.Key, long>[] Rows { get; } = rows;
        public long Total { get; } = rows.Sum(r => r.Value);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(_interval, _clock);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken)) await FlushAsync(stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Shutting down: StopAsync does the last flush.
        }
    }

    /// <summary>Stops the timer, then flushes what is left, retrying until it lands or the host's shutdown time runs out.</summary>
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        while (!await FlushAsync(cancellationToken))
        {
            try
            {
                await Task.Delay(TimeSpan.FromMilliseconds(250), _clock, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                LogLostAtShutdown(_logger, _recorder.Pending() + (_unwritten?.Total ?? 0));
                return;
            }
        }
    }

    /// <summary>
    /// Writes the batch left over from a failed flush, then everything counted since. True when all of it is in the
    /// database; false when a write failed (the counts stay for the next try).
    /// </summary>
    public async Task<bool> FlushAsync(CancellationToken ct)
    {
        await _gate.WaitAsync(CancellationToken.None);
        try
        {
            // Two rounds: the retried batch, then the counts that piled up behind it. Later increments wait for the next tick.
            for (var round = 0; round < 2; round++)
            {
                if (_unwritten is null)
                {
                    var drained = new Dictionary<AnalyticsRecorder.Key, long>();
                    _recorder.DrainInto(drained);
                    if (drained.Count == 0) break;
                    Volatile.Write(ref _unwritten, new Batch(Guid.CreateVersion7(), [.. drained]));
                }
                if (!await TryWriteAsync(_unwritten!, ct)) return false;
                Volatile.Write(ref _unwritten, null);
            }
            Interlocked.Exchange(ref _lastSuccessTicks, _clock.GetUtcNow().UtcTicks);
            return true;
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<bool> TryWriteAsync(Batch batch, CancellationToken ct)
    {
        try
        {
            await WriteAsync(batch, ct);
            _telemetry.Batch(ok: true);
            return true;
        }
        catch (PostgresException e) when (e.SqlState.StartsWith("22", StringComparison.Ordinal) || e.SqlState.StartsWith("23", StringComparison.Ordinal))
        {
            // Data the table refuses will be refused on every retry; holding it would stop analytics for good.
            LogRejected(_logger, e, batch.Rows.Length, batch.Total);
            _telemetry.Dropped(batch.Total);
            return true;
        }
        catch (Exception e) when (e is NpgsqlException or TimeoutException or InvalidOperationException || (e is OperationCanceledException && !ct.IsCancellationRequested))
        {
            LogFailed(_logger, batch.Rows.Length, batch.Total, e.Message);
            _telemetry.Batch(ok: false);
            return false;
        }
        catch (OperationCanceledException)
        {
            _telemetry.Batch(ok: false);
            return false;
        }
    }

    private async Task WriteAsync(Batch batch, CancellationToken ct)
    {
        var n = batch.Rows.Length;
        var tenants = new Guid[n];
        var agents = new Guid?[n];
        var metrics = new string[n];
        var days = new DateOnly[n];
        var counts = new long[n];
        for (var i = 0; i < n; i++)
        {
            var (key, count) = batch.Rows[i];
            tenants[i] = key.TenantId;
            agents[i] = key.AgentId == Guid.Empty ? null : key.AgentId;
            metrics[i] = key.Metric.Name();
            days[i] = key.Day;
            counts[i] = count;
        }

        await using var connection = await _db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var claim = new NpgsqlCommand("INSERT INTO analytics_flushes (batch_id) VALUES (@id) ON CONFLICT DO NOTHING", connection, tx))
        {
            claim.Parameters.AddWithValue("id", batch.Id);
            if (await claim.ExecuteNonQueryAsync(ct) == 0) return; // committed by an earlier try whose answer was lost
        }
        // Rows go in one agreed order, so two replicas upserting the same keys cannot deadlock.
        await using (var upsert = new NpgsqlCommand("""
            INSERT INTO analytics_events AS e (tenant_id, agent_id, metric, day, count)
            SELECT tenant_id, agent_id, metric, day, count
            FROM unnest(@tenants, @agents, @metrics, @days, @counts) AS b (tenant_id, agent_id, metric, day, count)
            ORDER BY tenant_id, agent_id NULLS FIRST, metric, day
            ON CONFLICT ON CONSTRAINT analytics_events_key DO UPDATE SET count = e.count + EXCLUDED.count
            """, connection, tx))
        {
            upsert.Parameters.Add(new NpgsqlParameter("tenants", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = tenants });
            upsert.Parameters.Add(new NpgsqlParameter("agents", NpgsqlDbType.Array | NpgsqlDbType.Uuid) { Value = agents });
            upsert.Parameters.Add(new NpgsqlParameter("metrics", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = metrics });
            upsert.Parameters.Add(new NpgsqlParameter("days", NpgsqlDbType.Array | NpgsqlDbType.Date) { Value = days });
            upsert.Parameters.Add(new NpgsqlParameter("counts", NpgsqlDbType.Array | NpgsqlDbType.Bigint) { Value = counts });
            await upsert.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Analytics flush of {Rows} rows ({Increments} increments) failed, will retry: {Reason}")]
    private static partial void LogFailed(ILogger logger, int rows, long increments, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Analytics batch of {Rows} rows ({Increments} increments) rejected by the database and dropped")]
    private static partial void LogRejected(ILogger logger, Exception exception, int rows, long increments);

    [LoggerMessage(Level = LogLevel.Error, Message = "Shutdown ran out of time with {Increments} analytics increments not flushed")]
    private static partial void LogLostAtShutdown(ILogger logger, long increments);
}
