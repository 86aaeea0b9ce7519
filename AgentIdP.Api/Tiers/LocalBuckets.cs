using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace AgentIdP.Api.Tiers;

/// <summary>
/// Token buckets in this replica's memory, one per key, in a lock-free map (<c>PartitionedRateLimiter.Create</c> takes a
/// process-wide lock on every lookup). A timer tops them up every <see cref="ReplenishEvery"/> and forgets buckets left
/// alone for <see cref="ForgetAfter"/> (a forgotten bucket was full, so forgetting it changes nothing). Used for what
/// need not be exact across replicas: failed authentications, anonymous reads, and the fallback while Redis is away.
/// </summary>
public sealed class LocalBuckets<TKey> : IDisposable where TKey : notnull
{
    public static readonly TimeSpan ReplenishEvery = TimeSpan.FromMilliseconds(100);
    public static readonly TimeSpan ForgetAfter = TimeSpan.FromMinutes(2);

    private readonly ConcurrentDictionary<TKey, TokenBucketRateLimiter> _buckets = new();
    private readonly Func<TKey, TokenBucketRateLimiter> _create;
    private readonly Timer _timer;

    /// <param name="limits">Rate per second and burst for a key.</param>
    public LocalBuckets(Func<TKey, (int Rate, int Burst)> limits)
    {
        _create = key =>
        {
            var (rate, burst) = limits(key);
            return new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
            {
                TokenLimit = Math.Max(1, burst),
                TokensPerPeriod = Math.Max(1, rate),
                ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                QueueLimit = 0,
                AutoReplenishment = false,
            });
        };
        _timer = new Timer(_ => Replenish(), null, ReplenishEvery, ReplenishEvery);
    }

    /// <summary>Takes one permit: null when taken, else how long until one is there.</summary>
    public TimeSpan? TryTake(TKey key)
    {
        using var lease = _buckets.GetOrAdd(key, _create).AttemptAcquire();
        if (lease.IsAcquired) return null;
        return lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
    }

    /// <summary>Permits the key's bucket holds now.</summary>
    public long Available(TKey key) => _buckets.TryGetValue(key, out var bucket) ? bucket.GetStatistics()?.CurrentAvailablePermits ?? 0 : 0;

    /// <summary>Forgets every bucket (their limits changed).</summary>
    public void Clear() => _buckets.Clear();

    private void Replenish()
    {
        foreach (var (key, bucket) in _buckets)
        {
            bucket.TryReplenish();
            if (bucket.IdleDuration > ForgetAfter) _buckets.TryRemove(key, out _);
        }
    }

    public void Dispose()
    {
        _timer.Dispose();
        foreach (var bucket in _buckets.Values) bucket.Dispose();
    }
}
