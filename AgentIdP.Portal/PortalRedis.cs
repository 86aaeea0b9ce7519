using StackExchange.Redis;

namespace AgentIdP.Portal;

/// <summary>The portal's one Redis connection, shared by its sessions and its key ring.</summary>
public static class PortalRedis
{
    public static WebApplicationBuilder AddPortalRedis(this WebApplicationBuilder builder)
    {
        builder.AddRedisClient(ResourceNames.Cache, configureSettings: s => s.DisableHealthChecks = true, configureOptions: o =>
        {
            // Start and keep running while Redis is away; requests needing a session then fail fast with a 503.
            o.AbortOnConnectFail = false;
            o.ConnectTimeout = 2000;
            o.SyncTimeout = 1000;
            o.AsyncTimeout = 1000;
            o.BacklogPolicy = BacklogPolicy.FailFast;
        });
        return builder;
    }
}
