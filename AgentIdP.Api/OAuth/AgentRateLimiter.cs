using AgentIdP.Api.Tiers;
using AgentIdP.Api.Data;
using AgentIdP.Api.Platform;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AgentIdP.Api.OAuth;

/// <summary>
/// A token bucket per agent in Redis (<c>rate:agent:&lt;agent_id&gt;</c>), shared by every replica. The refill and
/// the take happen in one Lua script on Redis' own clock. When Redis is away the request is let through.
/// </summary>
public sealed partial class AgentRateLimiter(IConnectionMultiplexer redis, IOptions<IdentityOptions> options, ILogger<AgentRateLimiter> logger)
{
    public static RedisKey Key(Guid agentId) => $"rate:agent:{agentId}";

    // The bucket @bucket at @rate/s up to @burst: stores tokens and the last refill time (ms), on Redis' own clock;
    // leaves allowed (1/0) and retry (ms).
    private const string BucketLua = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local rate = tonumber(@rate)
        local burst = tonumber(@burst)
        local state = redis.call('HMGET', @bucket, 'tokens', 'ts')
        local tokens = tonumber(state[1]) or burst
        local ts = tonumber(state[2]) or now
        tokens = math.min(burst, tokens + (now - ts) * rate / 1000)
        local allowed = 0
        local retry = 0
        if tokens >= 1 then
          tokens = tokens - 1
          allowed = 1
        else
          retry = math.ceil((1 - tokens) * 1000 / rate)
        end
        redis.call('HSET', @bucket, 'tokens', tostring(tokens), 'ts', tostring(now))
        redis.call('PEXPIRE', @bucket, math.ceil(burst * 1000 / rate) + 1000)
        """;

    private static readonly LuaScript Script = LuaScript.Prepare(BucketLua + "\nreturn {allowed, retry}");

    // The tenant's daily count first; a call over an enforced quota is refused there and takes nothing from the bucket.
    private static readonly LuaScript CountingScript = LuaScript.Prepare(string.Join('\n',
        DailyQuota.IncrementLua,
        "if tonumber(@enforce) == 1 and n > tonumber(@limit) then return {1, 0, n} end",
        BucketLua,
        "return {allowed, retry, n}"));

    private readonly int _rate = options.Value.AgentRateLimit.PerSecond;
    private readonly int _burst = options.Value.AgentRateLimit.Burst;

    /// <summary>Null when the request may go on; otherwise how long to wait.</summary>
    public async ValueTask<TimeSpan?> TryTakeAsync(Guid agentId)
    {
        try
        {
            var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(Script, new { bucket = Key(agentId), rate = _rate, burst = _burst }))!;
            return (int)result[0] == 1 ? null : TimeSpan.FromMilliseconds(Math.Max(1, (long)result[1]));
        }
        catch (Exception e) when (RedisUnavailable.Is(e))
        {
            LogFailOpen(logger, e.Message);
            return null;
        }
    }

    /// <summary>
    /// The bucket and the tenant's daily count in one round trip (the token endpoint's busiest path). Returns how long to
    /// wait (null: go on) and today's count including this call. Throws when Redis is away; the caller fails open.
    /// </summary>
    public async Task<(TimeSpan? Wait, long Count)> TryTakeCountingAsync(Guid agentId, RedisKey quota, long expireAt, long limit, bool enforce)
    {
        var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(CountingScript, new
        {
            bucket = Key(agentId), rate = _rate, burst = _burst, quota, expireAt, limit, enforce = enforce ? 1 : 0,
        }))!;
        return ((int)result[0] == 1 ? null : TimeSpan.FromMilliseconds(Math.Max(1, (long)result[1])), (long)result[2]);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Agent rate limit skipped, Redis unavailable: {Reason}")]
    private static partial void LogFailOpen(ILogger logger, string reason);
}
