namespace AgentIdP.TestSupport;

/// <summary>A throwaway redis-server with no persistence.</summary>
public sealed class RedisServer() : ServerProcess("redis")
{
    private readonly string _binary = LocalBinaries.RedisServer(Environment.GetEnvironmentVariable("AGENTIDP_REDIS_SERVER"));

    public string ConnectionString => $"127.0.0.1:{Port}";

    protected override int StopSignal => 15;

    protected override (string Command, string[] Args) CommandLine() =>
        (_binary, ["--port", Port.ToString(), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", Directory]);
}
