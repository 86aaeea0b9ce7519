using Microsoft.Extensions.DependencyInjection;
using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace AgentIdP.AppHost;

/// <summary>
/// Local mode: the machine's own <c>postgres</c> and <c>redis-server</c> as executable resources. The data directory
/// persists between runs (<c>AgentIdP:DataDir</c>); ports are free ones unless configured.
/// </summary>
internal static class LocalInfrastructure
{
    public const string DataDirKey = "AgentIdP:DataDir";

    public static Infrastructure Add(IDistributedApplicationBuilder builder)
    {
        var config = builder.Configuration;
        var dataDir = Path.GetFullPath(config[DataDirKey] is { Length: > 0 } configured ? configured : DefaultDataDir());
        var pgBin = LocalBinaries.PostgresBin(config["AgentIdP:PostgresBin"]);
        var redisServer = LocalBinaries.RedisServer(config["AgentIdP:RedisServer"]);
        var pgData = Path.Combine(dataDir, "postgres");
        var redisData = Path.Combine(dataDir, "redis");
        Directory.CreateDirectory(redisData);

        Console.WriteLine($"AgentIdP: local data directory {dataDir} (set {DataDirKey} to move it).");
        LocalBinaries.InitDbIfMissing(pgBin, pgData);

        var pgPort = Port(config["AgentIdP:PostgresPort"]);
        var (pgCommand, pgArgs) = LocalBinaries.AsPostgresUser(Path.Combine(pgBin, "postgres"),
            "-D", pgData, "-p", pgPort.ToString(), "-c", "listen_addresses=127.0.0.1", "-c", "unix_socket_directories=");
        var postgres = builder.AddExecutable(ResourceNames.Postgres, pgCommand, pgData, pgArgs)
            .WithEndpoint(port: pgPort, targetPort: pgPort, scheme: "tcp", name: "tcp", isProxied: false)
            .WithTcpHealthCheck(builder, pgPort);

        var redisPort = Port(config["AgentIdP:RedisPort"]);
        var redis = builder.AddExecutable(ResourceNames.RedisServer, redisServer, redisData,
                "--port", redisPort.ToString(), "--bind", "127.0.0.1", "--dir", redisData, "--save", "60 1")
            .WithEndpoint(port: redisPort, targetPort: redisPort, scheme: "tcp", name: "tcp", isProxied: false)
            .WithTcpHealthCheck(builder, redisPort);

        // Trust auth on loopback: a developer's own throwaway cluster, never reachable from outside.
        var database = builder.AddConnectionString(ResourceNames.Database, ReferenceExpression.Create(
            $"Host=127.0.0.1;Port={pgPort.ToString()};Username=postgres;Database={ResourceNames.Database}"));
        var cache = builder.AddConnectionString(ResourceNames.Cache, ReferenceExpression.Create(
            $"127.0.0.1:{redisPort.ToString()}"));
        return new Infrastructure(database, postgres, cache, redis);
    }

    private static string DefaultDataDir()
    {
        // Root's home is not traversable by the postgres user, so root keeps its data under /var/lib.
        if (Environment.UserName == "root") return "/var/lib/agentidp";
        var xdg = Environment.GetEnvironmentVariable("XDG_DATA_HOME");
        return Path.Combine(xdg is { Length: > 0 } ? xdg : Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".local", "share"), "agentidp");
    }

    private static int Port(string? configured)
    {
        if (int.TryParse(configured, out var port) && port > 0) return port;
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static IResourceBuilder<ExecutableResource> WithTcpHealthCheck(
        this IResourceBuilder<ExecutableResource> resource, IDistributedApplicationBuilder builder, int port)
    {
        var key = $"{resource.Resource.Name}-tcp";
        builder.Services.AddHealthChecks().AddAsyncCheck(key, async ct =>
        {
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, port, ct);
                return HealthCheckResult.Healthy();
            }
            catch (SocketException e)
            {
                return HealthCheckResult.Unhealthy($"port {port} does not answer: {e.SocketErrorCode}");
            }
        });
        return resource.WithHealthCheck(key);
    }
}
