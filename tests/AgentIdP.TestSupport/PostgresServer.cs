using Npgsql;

namespace AgentIdP.TestSupport;

/// <summary>A throwaway Postgres cluster (initdb into a temporary directory, trust auth on loopback).</summary>
public sealed class PostgresServer : ServerProcess
{
    private readonly string _bin;
    private bool _initialized;

    public PostgresServer() : base("pg") => _bin = LocalBinaries.PostgresBin(Environment.GetEnvironmentVariable("AGENTIDP_POSTGRES_BIN"));

    private string DataDir => Path.Combine(Directory, "data");

    public string ConnectionString(string database = "postgres") =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Database={database};Timeout=5;Command Timeout=30";

    protected override (string Command, string[] Args) CommandLine()
    {
        if (!_initialized)
        {
            LocalBinaries.InitDbIfMissing(_bin, DataDir);
            _initialized = true;
        }
        return LocalBinaries.AsPostgresUser(Path.Combine(_bin, "postgres"),
            "-D", DataDir, "-p", Port.ToString(), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=",
            "-c", "fsync=off", "-c", "synchronous_commit=off", "-c", "full_page_writes=off", "-c", "max_connections=300");
    }

    protected override async Task<bool> AcceptsConnectionsAsync()
    {
        try
        {
            // Unpooled: after a restart a pooled connection from before the stop would answer "open" without asking the server.
            await using var connection = new NpgsqlConnection(ConnectionString() + ";Pooling=false");
            await connection.OpenAsync();
            return true;
        }
        catch (NpgsqlException)
        {
            return false;
        }
    }
}
