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

    /// <summary>
    /// The status an unhandled exception answers with: 503 when Redis is out of reach underneath it (the key ring, which
    /// antiforgery and cookies need, lives there too), else 500.
    /// </summary>
    public static int StatusFor(Exception e)
    {
        for (Exception? inner = e; inner is not null; inner = inner.InnerException)
        {
            if (IsUnavailable(inner)) return StatusCodes.Status503ServiceUnavailable;
        }
        return StatusCodes.Status500InternalServerError;
    }

    /// <summary>
    /// What StackExchange.Redis throws when Redis is away: its own exceptions and timeouts, and, when a connection
    /// drops under load, the socket pipe's InvalidOperationException or a cancellation of the commands it abandons
    /// (the API learnt this the hard way: AgentIdP.Api/Data/RedisUnavailable.cs, docs/reliability.md, "Redis outage").
    /// </summary>
    public static bool IsUnavailable(Exception e) =>
        e is RedisException or TimeoutException or ObjectDisposedException or IOException
        || (e is InvalidOperationException or OperationCanceledException
            && e.StackTrace?.Contains("StackExchange.Redis", StringComparison.Ordinal) == true);
}
