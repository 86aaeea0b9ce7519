namespace AgentIdP.TestSupport;

/// <summary>
/// The Postgres and Redis a test run uses: connection strings from the environment
/// (<c>AGENTIDP_TEST_POSTGRES</c>, <c>AGENTIDP_TEST_REDIS</c>) when set, otherwise servers started from the machine's
/// binaries for this test process. Shared by every test in the process; each test isolates itself by tenant or database.
/// </summary>
public sealed class Servers
{
    private static readonly SemaphoreSlim Gate = new(1, 1);
    private static Servers? _shared;

    private Servers(PostgresServer? postgres, RedisServer? redis, string postgresAdmin, string redisConnection)
    {
        Postgres = postgres;
        Redis = redis;
        PostgresAdminConnectionString = postgresAdmin;
        RedisConnectionString = redisConnection;
    }

    /// <summary>The Postgres started for this run, or null when the environment supplied one.</summary>
    public PostgresServer? Postgres { get; }

    /// <summary>The Redis started for this run, or null when the environment supplied one.</summary>
    public RedisServer? Redis { get; }

    public string PostgresAdminConnectionString { get; }
    public string RedisConnectionString { get; }

    public static async Task<Servers> SharedAsync()
    {
        await Gate.WaitAsync();
        try
        {
            return _shared ??= await StartAsync();
        }
        finally
        {
            Gate.Release();
        }
    }

    /// <summary>A new empty database for one test class.</summary>
    public async Task<string> CreateDatabaseAsync(string prefix = "t")
    {
        var name = $"{prefix}_{Guid.NewGuid():N}";
        await using var connection = new Npgsql.NpgsqlConnection(PostgresAdminConnectionString);
        await connection.OpenAsync();
        await using var cmd = new Npgsql.NpgsqlCommand($"CREATE DATABASE \"{name}\"", connection);
        await cmd.ExecuteNonQueryAsync();
        return new Npgsql.NpgsqlConnectionStringBuilder(PostgresAdminConnectionString) { Database = name }.ConnectionString;
    }

    private static async Task<Servers> StartAsync()
    {
        var pgFromEnv = Environment.GetEnvironmentVariable("AGENTIDP_TEST_POSTGRES");
        var redisFromEnv = Environment.GetEnvironmentVariable("AGENTIDP_TEST_REDIS");
        PostgresServer? postgres = null;
        RedisServer? redis = null;
        try
        {
            if (string.IsNullOrWhiteSpace(pgFromEnv))
            {
                postgres = new PostgresServer();
                await postgres.StartAsync();
            }
            if (string.IsNullOrWhiteSpace(redisFromEnv))
            {
                redis = new RedisServer();
                await redis.StartAsync();
            }
        }
        catch (InvalidOperationException e)
        {
            throw new InvalidOperationException(
                $"The tests need PostgreSQL and Redis: set AGENTIDP_TEST_POSTGRES and AGENTIDP_TEST_REDIS, or install the servers. {e.Message}", e);
        }
        return new Servers(postgres, redis,
            pgFromEnv is { Length: > 0 } ? pgFromEnv : postgres!.ConnectionString(),
            redisFromEnv is { Length: > 0 } ? redisFromEnv : redis!.ConnectionString);
    }
}
