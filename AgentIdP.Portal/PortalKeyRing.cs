using AgentIdP.KeyRing;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.StackExchangeRedis;
using StackExchange.Redis;

namespace AgentIdP.Portal;

/// <summary>
/// One Data Protection key ring for every portal replica (cookies and antiforgery tokens made by one are read by the
/// other), kept in Redis and encrypted there with the key-ring secret, as the API's ring is in Postgres.
/// </summary>
public static class PortalKeyRing
{
    /// <summary>Every portal replica must use the same application name to share the ring.</summary>
    public const string ApplicationName = "AgentIdP.Portal";

    /// <summary>The Redis list that holds the ring's XML elements.</summary>
    public static readonly RedisKey RedisKey = "agentidp:portal:data-protection-keys";

    public static WebApplicationBuilder AddPortalKeyRing(this WebApplicationBuilder builder)
    {
        builder.Services.AddDataProtection().SetApplicationName(ApplicationName).ProtectKeyRing(builder.Configuration, builder.Environment);
        builder.Services.AddOptions<KeyManagementOptions>().Configure<IConnectionMultiplexer>(
            (o, redis) => o.XmlRepository = new RedisXmlRepository(() => redis.GetDatabase(), RedisKey));
        builder.Services.AddHostedService<PortalKeyRingUpgrade>();
        return builder;
    }
}
