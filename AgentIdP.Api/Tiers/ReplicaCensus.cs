using AgentIdP.Api.Data;
using StackExchange.Redis;

namespace AgentIdP.Api.Tiers;

/// <summary>
/// How many API replicas are alive: each writes a heartbeat to a Redis sorted set every few seconds and counts the ones
/// seen within <see cref="SeenWithin"/>. While Redis is away the last count is kept, so each replica can fall back to its
/// share of a tenant's per-second limit instead of the whole of it.
/// </summary>
public sealed partial class ReplicaCensus(IConnectionMultiplexer redis, TimeProvider clock, ILogger<ReplicaCensus> logger) : BackgroundService
{
    public static readonly RedisKey Key = "agentidp:replicas";
    public static readonly TimeSpan Every = TimeSpan.FromSeconds(5);
    public static readonly TimeSpan SeenWithin = TimeSpan.FromSeconds(30);

    private readonly string _id = $"{Environment.MachineName}:{Environment.ProcessId}:{Guid.NewGuid():N}";
    private int _count = 1;

    /// <summary>Replicas seen alive recently, this one included (at least 1).</summary>
    public int Count => Volatile.Read(ref _count);

    /// <summary>Raised when <see cref="Count"/> changes.</summary>
    public event Action? Changed;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Every, clock);
        do
        {
            await BeatAsync();
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            await redis.GetDatabase().SortedSetRemoveAsync(Key, _id);
        }
        catch (Exception e) when (RedisUnavailable.Is(e))
        {
            // It drops out of the count by itself after SeenWithin.
        }
    }

    /// <summary>Writes this replica's heartbeat and counts the live ones.</summary>
    public async Task BeatAsync()
    {
        var now = clock.GetUtcNow().ToUnixTimeMilliseconds();
        try
        {
            var db = redis.GetDatabase();
            var tx = db.CreateTransaction();
            _ = tx.SortedSetAddAsync(Key, _id, now);
            _ = tx.SortedSetRemoveRangeByScoreAsync(Key, double.NegativeInfinity, now - SeenWithin.TotalMilliseconds);
            var count = tx.SortedSetLengthAsync(Key);
            _ = tx.KeyExpireAsync(Key, SeenWithin * 2);
            await tx.ExecuteAsync();
            var seen = (int)Math.Max(1, await count);
            if (Interlocked.Exchange(ref _count, seen) != seen)
            {
                LogCount(logger, seen);
                Changed?.Invoke();
            }
        }
        catch (Exception e) when (RedisUnavailable.Is(e))
        {
            // Keep the last count: it is what the fallback needs while Redis is away.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "API replicas seen alive: {Count}")]
    private static partial void LogCount(ILogger logger, int count);
}
