using AgentIdP.Api.Data;
using StackExchange.Redis;

namespace AgentIdP.Api.Tiers;

/// <summary>
/// The tenant's calls today, counted in Redis (<c>rate:tier:&lt;tier&gt;:&lt;tenant&gt;:&lt;yyyyMMdd&gt;</c>, UTC day),
/// incremented and given its expiry atomically, so the count is exact across replicas. Concurrent calls share a round
/// trip (<see cref="CounterBatch"/>).
/// </summary>
public sealed class DailyQuota(IConnectionMultiplexer redis, CounterBatch counters, TimeProvider clock)
{
    /// <summary>
    /// How long the usage page waits for a count. Counting itself relies on the connection's own command timeout
    /// (1 s, see Data/) rather than abandoning a call that Redis still executes, which would count a request it then
    /// admits for free.
    /// </summary>
    public static readonly TimeSpan PeekTimeout = TimeSpan.FromMilliseconds(500);

    /// <summary>Lua that counts one call on <c>@quota</c> (expiring at <c>@expireAt</c>) into <c>n</c>, for the token endpoint's script.</summary>
    public const string IncrementLua = """
        local n = redis.call('INCR', @quota)
        if n == 1 or redis.call('TTL', @quota) < 0 then redis.call('EXPIREAT', @quota, @expireAt) end
        """;

    public static string Key(Tier tier, Guid tenantId, DateOnly day) => $"rate:tier:{tier.Name()}:{tenantId}:{day:yyyyMMdd}";

    public DateOnly Today => DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);

    /// <summary>Seconds until the UTC day ends and the count starts over.</summary>
    public long SecondsToReset()
    {
        var now = clock.GetUtcNow();
        return (long)Math.Ceiling((new DateTimeOffset(now.UtcDateTime.Date.AddDays(1), TimeSpan.Zero) - now).TotalSeconds);
    }

    /// <summary>Counts one call and returns today's count including it (its own place in the count: exact).</summary>
    public Task<long> IncrementAsync(Tier tier, Guid tenantId)
    {
        var (key, expireAt) = Slot(tier, tenantId);
        return counters.IncrementAsync(key, expireAt);
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
