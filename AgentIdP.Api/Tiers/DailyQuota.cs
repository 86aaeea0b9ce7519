using AgentIdP.Api.Data;
using StackExchange.Redis;

namespace AgentIdP.Api.Tiers;

/// <summary>
/// The tenant's calls today, counted in Redis (<c>rate:tier:&lt;tier&gt;:&lt;tenant&gt;:&lt;yyyyMMdd&gt;</c>, UTC day),
/// counted and given its expiry atomically with the request's other limits (<see cref="LimitBatch"/>), so the count is
/// exact across replicas.
/// </summary>
public sealed class DailyQuota(IConnectionMultiplexer redis, TimeProvider clock)
{
    /// <summary>How long the usage page waits for a count.</summary>
    public static readonly TimeSpan PeekTimeout = TimeSpan.FromMilliseconds(500);

    public static string Key(Tier tier, Guid tenantId, DateOnly day) => $"rate:tier:{tier.Name()}:{tenantId}:{day:yyyyMMdd}";

    public DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    /// <summary>Seconds until the UTC day ends and the count starts over.</summary>
    public long SecondsToReset()
    {
        var now = clock.GetUtcNow();
        return (long)Math.Ceiling((new DateTimeOffset(now.UtcDateTime.Date.AddDays(1), TimeSpan.Zero) - now).TotalSeconds);
    }

    /// <summary>Today's counter for the tenant and when it expires (Unix seconds).</summary>
    public (RedisKey Key, long ExpireAt) Slot(Tier tier, Guid tenantId)
    {
        var today = Today;
        // Kept an hour past midnight, so a replica with a slightly slow clock still finds yesterday's key.
        var expireAt = new DateTimeOffset(today.AddDays(1).ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddHours(1).ToUnixTimeSeconds();
        return (Key(tier, tenantId, today), expireAt);
    }

    /// <summary>Today's count without counting (for the usage page); null when Redis does not answer.</summary>
    public async Task<long?> PeekAsync(Tier tier, Guid tenantId)
    {
        try
        {
            var value = await redis.GetDatabase().StringGetAsync(Key(tier, tenantId, Today)).WaitAsync(PeekTimeout);
            return value.HasValue ? (long)value : 0;
        }
        catch (Exception e) when (RedisUnavailable.Is(e))
        {
            return null;
        }
    }
}
