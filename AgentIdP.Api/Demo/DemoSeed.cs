using AgentIdP.Api.Agents;
using AgentIdP.Api.Compliance;
using AgentIdP.Api.Platform;
using AgentIdP.Api.Tenants;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AgentIdP.Api.Demo;

/// <summary>
/// With <c>DEMO_SEED=true</c>, a demo tenant (admin client <c>demo-admin</c>, secret from <c>Demo:AdminSecret</c>) with a
/// handful of agents and four weeks of analytics, so a newcomer can sign in to the portal and see real charts at once.
/// Idempotent: a second run changes nothing but the admin secret, which follows the configuration.
/// </summary>
public sealed partial class DemoSeed(
    IOptions<FeatureFlags> flags, IConfiguration config, NpgsqlDataSource db, TenantStore tenants, AgentStore agents, IAgentProfileValidator profiles,
    OAuth.ClientSecrets secrets, OAuth.ClientStore clients, TimeProvider clock, ILogger<DemoSeed> logger) : IHostedService
{
    public static readonly Guid TenantId = new("de000000-0000-4000-8000-000000000001");
    public const string AdminClientId = "demo-admin";
    public const string Actor = "demo-seed";
    public const int AnalyticsDays = 28;

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
                foreach (var agent in DemoAgents.All)
                {
                    await agents.CreateAsync(TenantId, Actor, agent, Checked(profiles.ForNewAgent(agent.Profile)), enforceAgentLimit: true, ct);
                }
                LogSeeded(logger, DemoAgents.All.Length);
            }
            catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.UniqueViolation)
            {
                // The other replica seeded at the same moment.
            }
        }

        await CompleteProfilesAsync(ct);
        await SeedAnalyticsAsync(ct);

        // Keep the admin secret in step with configuration, without piling up rows.
        await using var cmd = db.CreateCommand("""
            UPDATE client_secrets SET secret_hash = @hash WHERE client_id = @client AND expires_at IS NULL AND secret_hash <> @hash
            """);
        cmd.Parameters.AddWithValue("hash", secrets.Hash(secret));
        cmd.Parameters.AddWithValue("client", AdminClientId);
        if (await cmd.ExecuteNonQueryAsync(ct) > 0) clients.Changed(AdminClientId);
    }

    /// <summary>
    /// Daily rollups for the days before today, only while the tenant has none: weekday traffic, quieter weekends, slow
    /// growth and some noise, derived from the agent and the day so that two replicas seeding at once write the same rows.
    /// </summary>
    private async Task SeedAnalyticsAsync(CancellationToken ct)
    {
        var today = DateOnly.FromDateTime(clock.GetUtcNow().UtcDateTime);
        await using (var guard = db.CreateCommand("SELECT EXISTS (SELECT 1 FROM analytics_events WHERE tenant_id = @tenant AND day < @today)"))
        {
            guard.Parameters.AddWithValue("tenant", TenantId);
            guard.Parameters.AddWithValue("today", today);
            if ((bool)(await guard.ExecuteScalarAsync(ct))!) return;
        }
        await using var cmd = db.CreateCommand("""
            WITH days AS (
                SELECT i, @first::date + i AS day,
                       CASE WHEN extract(isodow FROM @first::date + i) >= 6 THEN 0.35 ELSE 1.0 END * (0.7 + 0.3 * i / @span) AS shape
                FROM generate_series(0, @span - 1) AS i
            ), agent_days AS (
                SELECT a.id AS agent_id, d.day, d.shape * (40 + abs(hashtext(a.id::text)) % 160)
                       * (0.8 + (abs(hashtext(a.id::text || d.day::text)) % 40) / 100.0) AS tokens
                FROM agents a CROSS JOIN days d
                WHERE a.tenant_id = @tenant
            )
            INSERT INTO analytics_events (tenant_id, agent_id, metric, day, count, created_at)
            SELECT @tenant, agent_id, m.metric, day, round(tokens * m.factor)::bigint, day::timestamp AT TIME ZONE 'UTC'
            FROM agent_days CROSS JOIN (VALUES ('token_issued', 1.0), ('api_call', 4.2), ('token_denied', 0.03), ('rate_limited', 0.01)) AS m (metric, factor)
            UNION ALL
            SELECT @tenant, NULL, 'token_issued', day, 3 + i % 5, day::timestamp AT TIME ZONE 'UTC' FROM days
            ON CONFLICT DO NOTHING
            """);
        cmd.Parameters.AddWithValue("tenant", TenantId);
        cmd.Parameters.AddWithValue("first", today.AddDays(-AnalyticsDays));
        cmd.Parameters.AddWithValue("span", AnalyticsDays);
        LogSeededAnalytics(logger, await cmd.ExecuteNonQueryAsync(ct), AnalyticsDays);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;

    /// <summary>Demo agents seeded before agents had profiles get theirs (once: only agents with no interface are touched).</summary>
    private async Task CompleteProfilesAsync(CancellationToken ct)
    {
        foreach (var existing in await agents.ListAllAsync(TenantId, ct))
        {
            if (AgentProfile.Of(existing).Interfaces.Length > 0 || DemoAgents.All.FirstOrDefault(a => a.Name == existing.Name) is not { } demo) continue;
            var update = DemoAgents.ProfileOf(demo);
            await agents.UpdateAsync(TenantId, Actor, existing.Id, update, Checked(profiles.Changes(update.Profile)), ct);
        }
    }

    /// <summary>The demo's profiles are code: one that does not pass is a bug to stop on, not a request to refuse.</summary>
    private static IReadOnlyDictionary<string, System.Text.Json.JsonElement> Checked(ProfileCheck check) => check.IsValid
        ? check.Profile
        : throw new InvalidOperationException("A demo agent's profile is not valid: " + string.Join(" ", check.Errors.Values.SelectMany(m => m)));

    [LoggerMessage(Level = LogLevel.Information, Message = "Seeded {Rows} analytics rollups over {Days} days for the demo tenant")]
    private static partial void LogSeededAnalytics(ILogger logger, int rows, int days);

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
