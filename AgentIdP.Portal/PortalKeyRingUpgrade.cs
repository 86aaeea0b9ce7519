using AgentIdP.KeyRing;
using StackExchange.Redis;

namespace AgentIdP.Portal;

/// <summary>
/// At startup, re-encrypts the portal's ring elements in Redis that are not under the current key-ring secret (plain
/// text, or a previous secret), element by element, each only if it is still the text that was read.
/// Best effort: with Redis away the portal starts anyway and the next start tries again.
/// </summary>
internal sealed partial class PortalKeyRingUpgrade(IConnectionMultiplexer redis, KeyRingSecrets secrets, ILogger<PortalKeyRingUpgrade> logger)
    : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            var database = redis.GetDatabase();
            await KeyRingRewrap.RewrapAllAsync<long>(secrets,
                async () => (await database.ListRangeAsync(PortalKeyRing.RedisKey)).Select((xml, i) => ((long)i, xml.ToString())).ToList(),
                async (i, old, upgraded) =>
                {
                    var tx = database.CreateTransaction();
                    tx.AddCondition(Condition.ListIndexEqual(PortalKeyRing.RedisKey, i, old));
                    _ = tx.ListSetByIndexAsync(PortalKeyRing.RedisKey, i, upgraded);
                    return await tx.ExecuteAsync();
                },
                logger);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogUnavailable(logger, e.Message);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not re-encrypt the portal key ring in Redis: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string reason);
}
