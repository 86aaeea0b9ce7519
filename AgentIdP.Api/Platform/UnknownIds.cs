using System.Diagnostics.Metrics;
using Microsoft.Extensions.Caching.Memory;

namespace AgentIdP.Api.Platform;

/// <summary>
/// Ids that public, unauthenticated reads (DID documents, agent cards, OASF records) found to name nothing, remembered
/// for <see cref="RememberFor"/>: a crawler or a flood of made-up ids is answered 404 from memory instead of Postgres.
/// Only ids that do not exist at all are kept (ids are random UUIDs, chosen at creation); a disabled agent is not.
/// </summary>
public sealed class UnknownIds
{
    public const string MeterName = "AgentIdP.Platform";
    /// <summary>The kind of an agent id under a tenant (DID documents, cards and records share it).</summary>
    public const string Agent = "agent";
    public static readonly TimeSpan RememberFor = TimeSpan.FromSeconds(30);

    private readonly MemoryCache _ids = new(new MemoryCacheOptions { SizeLimit = 100_000 });
    private readonly Counter<long> _hits;

    public UnknownIds(IMeterFactory meters) =>
        _hits = meters.Create(MeterName).CreateCounter<long>("agentidp.public_reads.unknown_id_hits", "{request}",
            "Public reads of an id known not to exist, answered from memory.");

    /// <summary>True when <paramref name="id"/> of <paramref name="tenantId"/> was recently found to name no <paramref name="kind"/>.</summary>
    public bool IsKnownUnknown(string kind, Guid tenantId, Guid id)
    {
        if (!_ids.TryGetValue((kind, tenantId, id), out _)) return false;
        _hits.Add(1, new KeyValuePair<string, object?>("kind", kind));
        return true;
    }

    public void Remember(string kind, Guid tenantId, Guid id) =>
        _ids.Set((kind, tenantId, id), true, new MemoryCacheEntryOptions { Size = 1, AbsoluteExpirationRelativeToNow = RememberFor });
}
