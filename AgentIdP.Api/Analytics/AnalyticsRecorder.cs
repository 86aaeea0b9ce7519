using System.Collections.Concurrent;
using System.Runtime.InteropServices;
using AgentIdP.Api.Platform;
using Microsoft.Extensions.Options;

namespace AgentIdP.Api.Analytics;

/// <summary>
/// Counts metric increments in memory, one counter per (tenant, agent, UTC day, metric); <see cref="AnalyticsFlusher"/>
/// moves them to Postgres every few seconds. <see cref="Record"/> is on the token hot path: no I/O, no lock, no
/// allocation once a key's counter exists (one small object per active key per flush interval).
/// </summary>
public sealed class AnalyticsRecorder(IOptions<FeatureFlags> flags, IOptions<AnalyticsOptions> options, AnalyticsTelemetry telemetry, TimeProvider clock)
{
    /// <summary>One rollup row's identity; <see cref="AgentId"/> is <see cref="Guid.Empty"/> for tenant-level counts.</summary>
    public readonly record struct Key(Guid TenantId, Guid AgentId, DateOnly Day, AnalyticsMetric Metric);

    // A counter the drain has taken out of the map. A writer that meets it looks the key up again and gets a fresh one.
    private const long Retired = long.MinValue;

    private sealed class Cell
    {
        public long Value;
    }

    private readonly ConcurrentDictionary<Key, Cell> _cells = new();
    private readonly bool _enabled = flags.Value.AnalyticsEnabled;
    private readonly int _maxKeys = options.Value.MaxPendingKeys;
    private int _keys;

    public bool Enabled => _enabled;

    /// <summary>Adds <paramref name="count"/> to today's (UTC) counter; <paramref name="agentId"/> null counts at tenant level.</summary>
    public void Record(Guid tenantId, Guid? agentId, AnalyticsMetric metric, long count = 1)
    {
        if (!_enabled || count <= 0) return;
        var key = new Key(tenantId, agentId ?? Guid.Empty, DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime), metric);
        while (true)
        {
            if (!_cells.TryGetValue(key, out var cell))
            {
                if (Volatile.Read(ref _keys) >= _maxKeys)
                {
                    telemetry.Dropped(count);
                    return;
                }
                var fresh = new Cell();
                if (!_cells.TryAdd(key, fresh)) continue; // another writer added it first: use theirs
                Interlocked.Increment(ref _keys);
                cell = fresh;
            }
            var seen = Volatile.Read(ref cell.Value);
            if (seen == Retired)
            {
                Thread.Yield(); // the drain is removing this counter right now
                continue;
            }
            if (Interlocked.CompareExchange(ref cell.Value, seen + count, seen) == seen) break;
        }
        telemetry.Recorded(metric, count);
    }

    /// <summary>
    /// Moves every count into <paramref name="into"/> (adding to what is there) and forgets counters idle since the last
    /// drain. Each increment lands in exactly one drain. Called by one flusher at a time.
    /// </summary>
    public void DrainInto(Dictionary<Key, long> into)
    {
        foreach (var (key, cell) in _cells)
        {
            var taken = Interlocked.Exchange(ref cell.Value, 0);
            if (taken > 0)
            {
                CollectionsMarshal.GetValueRefOrAddDefault(into, key, out _) += taken;
            }
            else if (Interlocked.CompareExchange(ref cell.Value, Retired, 0) == 0 && _cells.TryRemove(KeyValuePair.Create(key, cell)))
            {
                Interlocked.Decrement(ref _keys);
            }
        }
    }

    /// <summary>Increments held in memory and not yet drained.</summary>
    public long Pending()
    {
        long sum = 0;
        foreach (var (_, cell) in _cells)
        {
            var value = Volatile.Read(ref cell.Value);
            if (value > 0) sum += value;
        }
        return sum;
    }
}
