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

    // KEYS[1] bucket; ARGV rate/s, burst. Stores tokens and the last refill time (ms); returns {allowed, retry_after_ms}.
    private static readonly LuaScript Script = LuaScript.Prepare("""
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local rate = tonumber(@rate)
        local burst = tonumber(@burst)
        local state = redis.call('HMGET', @key, 'tokens', 'ts')
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
        redis.call('HSET', @key, 'tokens', tostring(tokens), 'ts', tostring(now))
        redis.call('PEXPIRE', @key, math.ceil(burst * 1000 / rate) + 1000)
        return {allowed, retry}
        """);

    private readonly int _rate = options.Value.AgentRateLimit.PerSecond;
    private readonly int _burst = options.Value.AgentRateLimit.Burst;

    /// <summary>Null when the request may go on; otherwise how long to wait.</summary>
    public async ValueTask<TimeSpan?> TryTakeAsync(Guid agentId)
    {
        try
        {
            var result = (RedisResult[])(await redis.GetDatabase().ScriptEvaluateAsync(Script, new { key = Key(agentId), rate = _rate, burst = _burst }))!;
            return (int)result[0] == 1 ? null : TimeSpan.FromMilliseconds(Math.Max(1, (long)result[1]));
        }
        catch (Exception e) when (RedisUnavailable.Is(e))
        {
            LogFailOpen(logger, e.Message);
            return null;
        }
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Agent rate limit skipped, Redis unavailable: {Reason}")]
    private static partial void LogFailOpen(ILogger logger, string reason);
}
