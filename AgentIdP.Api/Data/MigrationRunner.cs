using Npgsql;

namespace AgentIdP.Api.Data;

/// <summary>
/// Applies each numbered script exactly once. Replicas that start together serialize on a Postgres advisory lock;
/// each script and its <c>schema_migrations</c> row commit in one transaction, so a failed script leaves no trace.
/// </summary>
public sealed partial class MigrationRunner(NpgsqlDataSource dataSource, IReadOnlyList<MigrationScript> scripts, ILogger<MigrationRunner> logger)
{
    /// <summary>An arbitrary constant every AgentIdP replica agrees on ("AgentIdP" in ASCII).</summary>
    private const long AdvisoryLockKey = 0x4167656E74496450;
    private static readonly TimeSpan StartupWait = TimeSpan.FromSeconds(30);

    /// <summary>Applies what is missing and returns the versions applied by this call.</summary>
    public async Task<IReadOnlyList<int>> MigrateAsync(CancellationToken ct)
    {
        await using var connection = await OpenWithRetryAsync(ct);
        await using (var cmd = new NpgsqlCommand("SELECT pg_advisory_lock(@key)", connection))
        {
            cmd.Parameters.AddWithValue("key", AdvisoryLockKey);
            await cmd.ExecuteNonQueryAsync(ct);
        }
        try
        {
            await using (var create = new NpgsqlCommand("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    integer PRIMARY KEY,
                    name       text NOT NULL,
                    checksum   text NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now())
                """, connection))
            {
                await create.ExecuteNonQueryAsync(ct);
            }

            var applied = new Dictionary<int, (string Name, string Checksum)>();
            await using (var read = new NpgsqlCommand("SELECT version, name, checksum FROM schema_migrations", connection))
            await using (var reader = await read.ExecuteReaderAsync(ct))
            {
                while (await reader.ReadAsync(ct)) applied[reader.GetInt32(0)] = (reader.GetString(1), reader.GetString(2));
            }

            var done = new List<int>();
            foreach (var script in scripts)
            {
                if (applied.TryGetValue(script.Version, out var previous))
                {
                    if (previous.Checksum != script.Checksum)
                    {
                        throw new InvalidOperationException(
                            $"Migration {script.Name} changed after it was applied (as {previous.Name}). Add a new script instead of editing an applied one.");
                    }
                    continue;
                }
                await ApplyAsync(connection, script, ct);
                done.Add(script.Version);
            }
            LogMigrated(logger, done.Count, scripts.Count);
            return done;
        }
        finally
        {
            await using var unlock = new NpgsqlCommand("SELECT pg_advisory_unlock(@key)", connection);
            unlock.Parameters.AddWithValue("key", AdvisoryLockKey);
            await unlock.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    private async Task ApplyAsync(NpgsqlConnection connection, MigrationScript script, CancellationToken ct)
    {
        await using var tx = await connection.BeginTransactionAsync(ct);
        try
        {
            await using (var cmd = new NpgsqlCommand(script.Sql, connection, tx)) await cmd.ExecuteNonQueryAsync(ct);
            await using (var record = new NpgsqlCommand(
                "INSERT INTO schema_migrations (version, name, checksum) VALUES (@v, @n, @c)", connection, tx))
            {
                record.Parameters.AddWithValue("v", script.Version);
                record.Parameters.AddWithValue("n", script.Name);
                record.Parameters.AddWithValue("c", script.Checksum);
                await record.ExecuteNonQueryAsync(ct);
            }
            await tx.CommitAsync(ct);
            LogApplied(logger, script.Name);
        }
        catch (PostgresException e)
        {
            throw new InvalidOperationException($"Migration {script.Name} failed: {e.MessageText} (SQLSTATE {e.SqlState}).", e);
        }
    }

    /// <summary>Waits for a server that is still starting, and creates the database on a brand-new server.</summary>
    private async Task<NpgsqlConnection> OpenWithRetryAsync(CancellationToken ct)
    {
        var deadline = DateTime.UtcNow + StartupWait;
        while (true)
        {
            try
            {
                return await dataSource.OpenConnectionAsync(ct);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.InvalidCatalogName)
            {
                await CreateDatabaseAsync(ct);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException && DateTime.UtcNow < deadline)
            {
                LogWaiting(logger, e.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(500), ct);
            }
        }
    }

    private async Task CreateDatabaseAsync(CancellationToken ct)
    {
        var target = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        var database = target.Database!;
        target.Database = "postgres";
        await using var connection = new NpgsqlConnection(target.ConnectionString);
        await connection.OpenAsync(ct);
        try
        {
            await using var cmd = new NpgsqlCommand($"CREATE DATABASE \"{database.Replace("\"", "\"\"")}\"", connection);
            await cmd.ExecuteNonQueryAsync(ct);
            LogCreatedDatabase(logger, database);
        }
        catch (PostgresException e) when (e.SqlState is PostgresErrorCodes.DuplicateDatabase or PostgresErrorCodes.UniqueViolation)
        {
            // Another replica created it first.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Applied migration {Name}")]
    private static partial void LogApplied(ILogger logger, string name);

    [LoggerMessage(Level = LogLevel.Information, Message = "Migrations up to date: {Applied} applied now, {Total} known")]
    private static partial void LogMigrated(ILogger logger, int applied, int total);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Waiting for Postgres: {Reason}")]
    private static partial void LogWaiting(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Created database {Database}")]
    private static partial void LogCreatedDatabase(ILogger logger, string database);
}
