namespace AgentIdP;

/// <summary>Names of the distributed app's resources, shared by the AppHost, the services and the tests.</summary>
public static class ResourceNames
{
    /// <summary>The Postgres server (container or local executable).</summary>
    public const string Postgres = "postgres";

    /// <summary>The database the API uses; also the name of its connection string.</summary>
    public const string Database = "agentidp";

    /// <summary>The Redis cache; also the name of its connection string.</summary>
    public const string Cache = "cache";

    /// <summary>The local redis-server executable behind <see cref="Cache"/> in local mode.</summary>
    public const string RedisServer = "redis";

    /// <summary>The one-shot step that creates the local Postgres data directory.</summary>
    public const string PostgresInit = "postgres-init";

    public const string Api = "api";
    public const string Portal = "portal";
}
