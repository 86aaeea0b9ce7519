using Npgsql;

namespace AgentIdP.Api.Data;

/// <summary>
/// The shape of every cleanup job: on a timer, one replica at a time (a Postgres advisory lock), deleting a batch per
/// statement so a large backlog never holds long locks, and SKIP LOCKED stepping around rows a writer holds.
/// </summary>
public static class Housekeeping
{
    /// <summary>Runs <paramref name="pass"/> soon after start and then every <paramref name="every"/>; a database outage is reported and waited out.</summary>
    public static async Task RepeatAsync(TimeSpan firstAfter, TimeSpan every, TimeProvider clock, Func<CancellationToken, Task> pass,
        Action<Exception> failed, CancellationToken stoppingToken)
    {
        try
        {
            // Soon after start as well as on the timer: replicas restarted more often than the interval still clean up.
            await Task.Delay(firstAfter, clock, stoppingToken);
            using var timer = new PeriodicTimer(every, clock);
            do
            {
                try
                {
                    await pass(stoppingToken);
                }
                catch (Exception e) when (e is NpgsqlException or TimeoutException)
                {
                    failed(e);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>Runs <paramref name="work"/> holding the advisory lock <paramref name="lockKey"/>; null when another replica holds it.</summary>
    public static async Task<long?> ExclusivelyAsync(NpgsqlDataSource db, long lockKey, Func<NpgsqlConnection, Task<long>> work, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        if (!await AdvisoryAsync(connection, "pg_try_advisory_lock", lockKey, ct)) return null;
        try
        {
            return await work(connection);
        }
        finally
        {
            await AdvisoryAsync(connection, "pg_advisory_unlock", lockKey, CancellationToken.None);
        }
    }

    /// <summary>Deletes the rows of <paramref name="table"/> matching <paramref name="where"/>, <paramref name="batchSize"/> per statement; returns how many.</summary>
    public static async Task<long> DeleteInBatchesAsync(NpgsqlConnection connection, string table, string where, int batchSize,
        Action<NpgsqlParameterCollection> parameters, Action<int>? onBatch, CancellationToken ct)
    {
        long deleted = 0;
        int batch;
        do
        {
            await using var cmd = new NpgsqlCommand($"""
                DELETE FROM {table} WHERE ctid = ANY (ARRAY(SELECT ctid FROM {table} WHERE {where} LIMIT @batch FOR UPDATE SKIP LOCKED))
                """, connection);
            parameters(cmd.Parameters);
            cmd.Parameters.AddWithValue("batch", batchSize);
            batch = await cmd.ExecuteNonQueryAsync(ct);
            deleted += batch;
            onBatch?.Invoke(batch);
        }
        while (batch == batchSize);
        return deleted;
    }

    private static async Task<bool> AdvisoryAsync(NpgsqlConnection connection, string function, long key, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand($"SELECT {function}(@key)", connection);
        cmd.Parameters.AddWithValue("key", key);
        return (bool)(await cmd.ExecuteScalarAsync(ct))!;
    }
}
