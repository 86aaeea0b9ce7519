using System.Collections.Concurrent;
using System.Text.Json.Serialization;
using AgentIdP.Api.Cluster;
using Npgsql;

namespace AgentIdP.Api.Tiers;

/// <summary>
/// Every tenant's tier, in memory: requests never read it from the database. A tier change is announced to every
/// replica at once, and the whole table reloads on a timer as a safety net (<see cref="ReplicatedSnapshot{TState, TEvent}"/>).
/// </summary>
public sealed class TenantTiers(NpgsqlDataSource db, ClusterEvents cluster) : IReplicatedState<TenantTierChanged>
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<Guid, Tier> _tiers = new();

    /// <summary>The tenant's tier; a tenant this replica has not heard of yet counts as free until the next load.</summary>
    public Tier Get(Guid tenantId) => _tiers.TryGetValue(tenantId, out var tier) ? tier : Tier.Free;

    /// <summary>Call after committing a tier change (or creating a tenant): every replica learns it at once.</summary>
    public void Changed(Guid tenantId, Tier tier) => cluster.Publish(new TenantTierChanged(tenantId, tier));

    public ValueTask ApplyAsync(TenantTierChanged change, CancellationToken ct)
    {
        _tiers[change.TenantId] = change.Tier;
        return ValueTask.CompletedTask;
    }

    public async Task LoadAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT id, tier FROM tenants");
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (TierConfig.TryParse(reader.GetString(1), out var tier)) _tiers[reader.GetGuid(0)] = tier;
        }
    }
}

/// <summary>A tenant's tier changed (or the tenant was created).</summary>
public sealed record TenantTierChanged(Guid TenantId, [property: JsonConverter(typeof(JsonStringEnumConverter<Tier>))] Tier Tier)
    : IClusterEvent
{
    public static string Type => "tier";
}
