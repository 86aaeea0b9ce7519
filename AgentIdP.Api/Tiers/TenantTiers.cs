using System.Collections.Concurrent;
using AgentIdP.Api.Cluster;
using Npgsql;

namespace AgentIdP.Api.Tiers;

/// <summary>
/// Every tenant's tier, in memory: requests never read it from the database. A tier change is announced to every
/// replica at once, and the whole table reloads on a timer as a safety net.
/// </summary>
public sealed partial class TenantTiers(NpgsqlDataSource db, ClusterEvents cluster, TimeProvider clock, ILogger<TenantTiers> logger) : BackgroundService
{
    public const string ClusterTopic = "tier";
    private static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(30);
    private readonly ConcurrentDictionary<Guid, Tier> _tiers = new();

    /// <summary>The tenant's tier; a tenant this replica has not heard of yet counts as free until the next load.</summary>
    public Tier Get(Guid tenantId) => _tiers.TryGetValue(tenantId, out var tier) ? tier : Tier.Free;

    public async Task InitializeAsync(CancellationToken ct)
    {
        cluster.On(ClusterTopic, payload =>
        {
            var parts = payload.Split('|');
            if (Guid.TryParse(parts[0], out var tenant) && TierConfig.TryParse(parts[1], out var tier)) _tiers[tenant] = tier;
        });
        await ReloadAsync(ct);
    }

    /// <summary>Call after committing a tier change (or creating a tenant): every replica learns it at once.</summary>
    public void Changed(Guid tenantId, Tier tier) => cluster.Publish(ClusterTopic, $"{tenantId}|{tier.Name()}");

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(RefreshInterval, clock);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            try
            {
                await ReloadAsync(stoppingToken);
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException)
            {
                LogReloadFailed(logger, e.Message);
            }
        }
    }

    private async Task ReloadAsync(CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("SELECT id, tier FROM tenants");
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            if (TierConfig.TryParse(reader.GetString(1), out var tier)) _tiers[reader.GetGuid(0)] = tier;
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not reload tenant tiers: {Reason}")]
    private static partial void LogReloadFailed(ILogger logger, string reason);
}
