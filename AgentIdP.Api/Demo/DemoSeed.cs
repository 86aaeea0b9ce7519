using AgentIdP.Api.Agents;
using AgentIdP.Api.Platform;
using AgentIdP.Api.Tenants;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AgentIdP.Api.Demo;

/// <summary>
/// With <c>DEMO_SEED=true</c>, a demo tenant (admin client <c>demo-admin</c>, secret from <c>Demo:AdminSecret</c>) with a
/// handful of agents, so a newcomer can sign in to the portal at once. Idempotent: a second run changes nothing
/// but the admin secret, which follows the configuration.
/// </summary>
public sealed partial class DemoSeed(
    IOptions<FeatureFlags> flags, IConfiguration config, NpgsqlDataSource db, TenantStore tenants, AgentStore agents,
    OAuth.ClientSecrets secrets, OAuth.ClientStore clients, ILogger<DemoSeed> logger) : IHostedService
{
    public static readonly Guid TenantId = new("de000000-0000-4000-8000-000000000001");
    public const string AdminClientId = "demo-admin";
    public const string Actor = "demo-seed";

    public async Task StartAsync(CancellationToken ct)
    {
        if (!flags.Value.DemoSeed) return;
        var secret = config["Demo:AdminSecret"];
        if (string.IsNullOrEmpty(secret))
        {
            throw new InvalidOperationException("DEMO_SEED=true needs Demo:AdminSecret (the demo tenant admin's client secret).");
        }

        if (await TenantStore.FindAsync(db, TenantId, ct) is null)
        {
            try
            {
                await tenants.CreateAsync("Demo Tenant", Tiers.Tier.Pro, Actor, TenantId, AdminClientId, secret, ct);
                foreach (var agent in DemoAgents.All) await agents.CreateAsync(TenantId, Actor, agent, enforceAgentLimit: true, ct);
                LogSeeded(logger, DemoAgents.All.Length);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                // The other replica seeded at the same moment.
            }
        }

        await CompleteProfilesAsync(ct);

        // Keep the admin secret in step with configuration, without piling up rows.
        await using var cmd = db.CreateCommand("""
            UPDATE client_secrets SET secret_hash = @hash WHERE client_id = @client AND expires_at IS NULL AND secret_hash <> @hash
            """);
        cmd.Parameters.AddWithValue("hash", secrets.Hash(secret));
        cmd.Parameters.AddWithValue("client", AdminClientId);
        if (await cmd.ExecuteNonQueryAsync(ct) > 0) clients.Changed(AdminClientId);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

    /// <summary>Demo agents seeded before agents had profiles get theirs (once: only agents with no interface are touched).</summary>
    private async Task CompleteProfilesAsync(CancellationToken ct)
    {
        foreach (var existing in await agents.ListAllAsync(TenantId, ct))
        {
            if (existing.Interfaces.Length > 0 || DemoAgents.All.FirstOrDefault(a => a.Name == existing.Name) is not { } demo) continue;
            await agents.UpdateAsync(TenantId, Actor, existing.Id, DemoAgents.ProfileOf(demo), ct);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeded the demo tenant with {Agents} agents (sign in as demo-admin)")]
    private static partial void LogSeeded(ILogger logger, int agents);
}

public static class DemoSeedExtensions
{
    public static WebApplicationBuilder AddDemoSeed(this WebApplicationBuilder builder)
    {
        builder.Services.AddHostedService<DemoSeed>();
        return builder;
    }
}
