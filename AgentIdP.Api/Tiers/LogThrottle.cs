using System.Collections.Concurrent;

namespace AgentIdP.Api.Tiers;

/// <summary>Lets a per-tenant log line through at most once a minute, so a tenant over its limit does not flood the logs.</summary>
public sealed class LogThrottle(TimeProvider clock)
{
    private static readonly TimeSpan Interval = TimeSpan.FromMinutes(1);
    private readonly ConcurrentDictionary<(Guid, string), long> _last = new();

    public bool ShouldLog(Guid tenantId, string limit)
    {
        var now = clock.GetUtcNow().UtcTicks;
        var key = (tenantId, limit);
        var last = _last.GetOrAdd(key, 0);
        return now - last >= Interval.Ticks && _last.TryUpdate(key, now, last);
    }
}
