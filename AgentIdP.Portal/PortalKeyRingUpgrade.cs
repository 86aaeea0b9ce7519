using System.Xml.Linq;
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
        if (secrets.CurrentId is null) return;
        try
        {
            var database = redis.GetDatabase();
            var elements = await database.ListRangeAsync(PortalKeyRing.RedisKey);
            var rewritten = 0;
            for (var i = 0; i < elements.Length; i++)
            {
                if (KeyRingRewrap.Rewrap(XElement.Parse(elements[i].ToString()), secrets) is not { } upgraded) continue;
                var tx = database.CreateTransaction();
                tx.AddCondition(Condition.ListIndexEqual(PortalKeyRing.RedisKey, i, elements[i]));
                _ = tx.ListSetByIndexAsync(PortalKeyRing.RedisKey, i, upgraded.ToString(SaveOptions.DisableFormatting));
                if (await tx.ExecuteAsync()) rewritten++;
            }
            if (rewritten > 0) LogRewritten(logger, rewritten);
        }
        catch (Exception e) when (e is RedisException or TimeoutException)
        {
            LogUnavailable(logger, e.Message);
        }
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Warning, Message = "Re-encrypted {Count} portal Data Protection key(s) under the current key-ring secret")]
    private static partial void LogRewritten(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not re-encrypt the portal key ring in Redis: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string reason);
}
