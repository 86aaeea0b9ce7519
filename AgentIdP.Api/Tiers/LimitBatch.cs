using System.Collections.Concurrent;
using StackExchange.Redis;

namespace AgentIdP.Api.Tiers;

/// <summary>One request's limits, checked together in Redis: the tenant's per-second rate, its daily count, and for an
/// agent's token request the agent's own bucket.</summary>
/// <param name="RateKey">The tenant's rate state (GCRA theoretical arrival time).</param>
/// <param name="QuotaKey">Today's count (expires at <paramref name="ExpireAt"/>, Unix seconds).</param>
/// <param name="AgentKey">The agent's rate state, or default when the request draws from no agent bucket.</param>
/// <param name="Enforce">False in shadow mode: the tenant's limits are counted and decided, not applied (the agent's bucket still is).</param>
/// <param name="OverQuotaAllowed">The request may pass the daily quota (it is still counted).</param>
public readonly record struct LimitCall(
    RedisKey RateKey, int Rate, int Burst,
    RedisKey QuotaKey, long ExpireAt, long DailyQuota,
    RedisKey AgentKey, int AgentRate, int AgentBurst,
    bool Enforce, bool OverQuotaAllowed);

/// <summary>Redis' answer for one <see cref="LimitCall"/>.</summary>
/// <param name="Refused">The limit that refused the call (or, in shadow mode, would have), or <see cref="LimitOutcome.Admitted"/>.</param>
/// <param name="RetryAfterMs">How long until the refusing limit admits a call.</param>
/// <param name="DailyCount">Today's count including this call (0 when it was refused before being counted).</param>
/// <param name="Remaining">Calls the tenant's per-second bucket holds now.</param>
public readonly record struct LimitResult(LimitOutcome Refused, long RetryAfterMs, long DailyCount, long Remaining);

public enum LimitOutcome { Admitted = 0, TenantRate = 1, DailyQuota = 2, AgentRate = 3 }

/// <summary>
/// Decides many requests' limits per Redis round trip (group commit). A caller queues its call; while one batch is on its
/// way to Redis the next ones queue up and go together in the next, as one script that takes each call in order, so
/// every call is decided exactly as if it had gone alone: exact across any number of replicas. Idle, a call goes out at
/// once. The rates are GCRA (a token bucket kept as one timestamp) on Redis' own clock, so replicas' clocks do not matter.
/// </summary>
/// <remarks>A batch names several tenants' keys in one script; on a Redis Cluster they would need one hash slot.</remarks>
public sealed class LimitBatch(IConnectionMultiplexer redis)
{
    /// <summary>Calls per round trip at most; more wait for the next batch.</summary>
    public const int MaxBatch = 256;

    private const int KeysPerCall = 3;
    private const int ArgsPerCall = 9;

    // Per call i: KEYS rate, quota, agent; ARGV rate, burst, quota limit, expireAt, enforce, over-quota allowed, agent
    // rate, agent burst, has agent. Answers 4 numbers per call: refused (0-3), retry ms, today's count, remaining burst.
    // A refused call changes no state it was refused by; in shadow mode (enforce 0) the first would-be refusal of the
    // tenant's limits is reported and the call goes on as admitted, without moving a rate it was over. The agent's bucket
    // is always enforced, and its refusal (3) is reported over a shadow one.
    private const string Script = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000000 + tonumber(t[2])
        local out = {}
        local function gcra(key, rate, burst)
          local interval = 1000000 / rate
          local tat = tonumber(redis.call('HGET', key, 'tat')) or now
          if tat < now then tat = now end
          local new = tat + interval
          local allowAt = new - burst * interval
          if allowAt > now then return false, math.ceil((allowAt - now) / 1000), 0, 0 end
          return true, 0, math.floor((now + burst * interval - new) / interval), new
        end
        local function keep(key, tat)
          redis.call('HSET', key, 'tat', string.format('%.0f', tat))
          redis.call('PEXPIRE', key, math.ceil((tat - now) / 1000) + 1000)
        end
        for i = 0, #KEYS / 3 - 1 do
          local k, a = 3 * i, 9 * i
          local rate, burst = tonumber(ARGV[a + 1]), tonumber(ARGV[a + 2])
          local limit, enforce, allowed = tonumber(ARGV[a + 3]), ARGV[a + 5] == '1', ARGV[a + 6] == '1'
          local refused, retry, count, remaining = 0, 0, 0, 0
          local ok, wait, left, tat = gcra(KEYS[k + 1], rate, burst)
          if ok then
            keep(KEYS[k + 1], tat)
            remaining = left
          else
            refused, retry = 1, wait
          end
          if refused == 0 or not enforce then
            count = redis.call('INCR', KEYS[k + 2])
            if count == 1 or redis.call('TTL', KEYS[k + 2]) < 0 then redis.call('EXPIREAT', KEYS[k + 2], ARGV[a + 4]) end
            if count > limit and not allowed and refused == 0 then refused = 2 end
            if ARGV[a + 9] == '1' and (refused == 0 or not enforce) then
              local arate, aburst = tonumber(ARGV[a + 7]), tonumber(ARGV[a + 8])
              local aok, await, _, atat = gcra(KEYS[k + 3], arate, aburst)
              -- The agent's own bucket protects the identity, not the plan: it is enforced in shadow mode too.
              if aok then keep(KEYS[k + 3], atat) else refused, retry = 3, await end
            end
          end
          out[4 * i + 1], out[4 * i + 2], out[4 * i + 3], out[4 * i + 4] = refused, retry, count, remaining
        end
        return out
        """;

    private readonly ConcurrentQueue<Pending> _queue = new();
    private int _sending;

    /// <summary>Decides <paramref name="call"/>; throws what the Redis client throws when Redis does not answer.</summary>
    public Task<LimitResult> DecideAsync(in LimitCall call)
    {
        var pending = new Pending(call);
        _queue.Enqueue(pending);
        if (Interlocked.CompareExchange(ref _sending, 1, 0) == 0)
        {
            // The sender serves every caller: it must not carry this request's execution context (its activity,
            // its HttpContext) through the batches that follow.
            using (ExecutionContext.SuppressFlow()) _ = SendAsync();
        }
        return pending.Task;
    }

    /// <summary>Sends batches until the queue is empty; only one runs at a time.</summary>
    private async Task SendAsync()
    {
        var batch = new List<Pending>(16);
        while (true)
        {
            while (batch.Count < MaxBatch && _queue.TryDequeue(out var call)) batch.Add(call);
            if (batch.Count == 0)
            {
                // Stop, then look again: a call queued after the last dequeue whose caller still saw this sender
                // running would wait for nobody. The exchange is a full fence, so the caller's check (after its
                // enqueue) and this one (after the exchange) cannot both miss: one of us starts the next sender.
                Interlocked.Exchange(ref _sending, 0);
                if (_queue.IsEmpty || Interlocked.CompareExchange(ref _sending, 1, 0) != 0) return;
                continue;
            }
            await SendOneAsync(batch);
            batch.Clear();
        }
    }

    private async Task SendOneAsync(List<Pending> batch)
    {
        var keys = new RedisKey[batch.Count * KeysPerCall];
        var args = new RedisValue[batch.Count * ArgsPerCall];
        for (var i = 0; i < batch.Count; i++)
        {
            var c = batch[i].Call;
            var hasAgent = c.AgentKey != default(RedisKey);
            keys[KeysPerCall * i] = c.RateKey;
            keys[KeysPerCall * i + 1] = c.QuotaKey;
            keys[KeysPerCall * i + 2] = hasAgent ? c.AgentKey : c.RateKey;
            var a = ArgsPerCall * i;
            args[a] = c.Rate;
            args[a + 1] = c.Burst;
            args[a + 2] = c.DailyQuota;
            args[a + 3] = c.ExpireAt;
            args[a + 4] = c.Enforce ? 1 : 0;
            args[a + 5] = c.OverQuotaAllowed ? 1 : 0;
            args[a + 6] = hasAgent ? c.AgentRate : 1;
            args[a + 7] = hasAgent ? c.AgentBurst : 1;
            args[a + 8] = hasAgent ? 1 : 0;
        }
        try
        {
            var answers = (long[])(await redis.GetDatabase().ScriptEvaluateAsync(Script, keys, args))!;
            for (var i = 0; i < batch.Count; i++)
            {
                batch[i].TrySetResult(new LimitResult((LimitOutcome)answers[4 * i], answers[4 * i + 1], answers[4 * i + 2], answers[4 * i + 3]));
            }
        }
        catch (Exception e)
        {
            // Every caller sees the failure (and decides, e.g. to fall back); the next batch tries again.
            foreach (var call in batch) call.TrySetException(e);
        }
    }

    private sealed class Pending(LimitCall call) : TaskCompletionSource<LimitResult>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public LimitCall Call { get; } = call;
    }
}
