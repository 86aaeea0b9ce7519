using System.Text.Json;
using AgentIdP.Api.Agents;
using AgentIdP.Api.Audit;
using AgentIdP.Api.Dids;
using AgentIdP.Api.Keys;
using AgentIdP.Api.OAuth;
using AgentIdP.Api.Platform;
using AgentIdP.Api.Tenants;
using AgentIdP.Api.Tiers;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AgentIdP.Api.Compliance;

public sealed record SpecVersions(string A2a, string Oasf, string AgntcyIdentity);

public sealed record ReportTenant(Guid Id, string Name, string Tier);

public sealed record AgentReport(Guid AgentId, string Name, string ClientId, string Status, string Did, string CardUrl, string RecordUrl,
    string Level, IReadOnlyList<CheckResult> Checks);

/// <summary>The report envelope of AGNTCY-PROFILE.md; <c>summary</c> counts results by level, then by status.</summary>
public sealed record ComplianceReport(
    string ReportSchemaVersion, string Profile, SpecVersions SpecVersions, string Issuer, DateTimeOffset GeneratedAt,
    DateTimeOffset CachedUntil, ReportTenant Tenant, string Level, IReadOnlyDictionary<string, IReadOnlyDictionary<string, int>> Summary,
    ChainVerification AuditChain, IReadOnlyList<CheckDefinition> Checks, IReadOnlyList<AgentReport> Agents);

/// <summary>
/// Builds a tenant's compliance report in process from the data: every agent's card and record are built, validated
/// and verified here, and the audit chain is verified in full, with no HTTP calls to ourselves.
/// </summary>
public sealed class ComplianceReportBuilder(
    NpgsqlDataSource db, AgentStore agents, AgentDocuments documents, AgentCards cards, ComplianceRoutes routes, SigningKeyStore keys,
    TenantTiers tiers, DidWeb dids, IOptions<IdentityOptions> options)
{
    public const string ReportSchemaVersion = "1.0";
    public const string ProfileName = "AgentIdP profile v1";
    public static readonly SpecVersions Specs = new("1.0", OasfTaxonomy.SchemaVersion, "v1alpha1");
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>The report, or null when the tenant does not exist.</summary>
    public async Task<ComplianceReport?> BuildAsync(Guid tenantId, DateTimeOffset generatedAt, DateTimeOffset cachedUntil, CancellationToken ct)
    {
        if (await TenantStore.FindAsync(db, tenantId, ct) is not { } tenant) return null;
        // The chain walk runs in the database while the agents are evaluated here.
        var chainTask = AuditChain.VerifyAsync(db, tenantId, ct);
        var all = await agents.ListAllAsync(tenantId, ct);
        var workingSecrets = await WorkingSecretsAsync(tenantId, generatedAt, ct);
        var keyFacts = KeyFactsNow();

        var tenantFacts = new TenantFacts(cards.TokenUrl, cards.MetadataUrl, MetadataServed: true, keyFacts,
            options.Value.AccessTokenLifetimeSeconds, ComplianceEndpoints.PublicCacheControl);
        var perAgent = new List<CheckResult>[all.Count];
        await Parallel.ForAsync(0, all.Count, new ParallelOptions { CancellationToken = ct, MaxDegreeOfParallelism = Environment.ProcessorCount },
            async (i, token) =>
            {
                var agent = all[i];
                var facts = new AgentFacts(agent, await documents.BuildAsync(agent, tenant.Name, token),
                    workingSecrets.Contains(agent.ClientId), dids.Did(tenantId, agent.Id));
                perAgent[i] = AgentCheckEvaluator.Evaluate(facts, tenantFacts);
            });

        var chain = await chainTask;
        var chainCheck = AgentCheckEvaluator.Chain(chain);
        var results = all.Select((agent, i) =>
        {
            List<CheckResult> checks = [.. perAgent[i], chainCheck];
            return new AgentReport(agent.Id, agent.Name, agent.ClientId, agent.Status.Name(), agent.Did, routes.CardUrl(tenantId, agent.Id),
                routes.RecordUrl(tenantId, agent.Id), ComplianceChecks.ResultingLevel(checks), checks);
        }).ToList();

        // With no agent, the tenant-wide audit chain still decides whether the tenant can be called compliant.
        var everything = results.SelectMany(r => r.Checks).DefaultIfEmpty(chainCheck);
        return new ComplianceReport(ReportSchemaVersion, ProfileName, Specs, options.Value.IssuerWithoutSlash, generatedAt, cachedUntil,
            new ReportTenant(tenant.Id, tenant.Name, tiers.Get(tenantId).Name()), ComplianceChecks.ResultingLevel(everything),
            Summarize(results.SelectMany(r => r.Checks)), chain, ComplianceChecks.All, results);
    }

    private static Dictionary<string, IReadOnlyDictionary<string, int>> Summarize(IEnumerable<CheckResult> results)
    {
        var counts = ComplianceChecks.Levels.ToDictionary(l => l, _ => ComplianceChecks.Statuses.ToDictionary(s => s, _ => 0));
        foreach (var r in results) counts[r.Level][r.Status]++;
        return counts.ToDictionary(c => c.Key, c => (IReadOnlyDictionary<string, int>)c.Value);
    }

    /// <summary>Client ids of the tenant's agents that still have a secret that works at <paramref name="now"/>.</summary>
    private async Task<HashSet<string>> WorkingSecretsAsync(Guid tenantId, DateTimeOffset now, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var ids = await connection.QueryAsync<string>(new CommandDefinition("""
            SELECT DISTINCT c.client_id FROM clients c JOIN client_secrets s ON s.client_id = c.client_id
            WHERE c.tenant_id = @tenantId AND c.kind = 'agent' AND (s.expires_at IS NULL OR s.expires_at > @now)
            """, new { tenantId, now }, cancellationToken: ct));
        return [.. ids];
    }

    private KeyFacts KeyFactsNow()
    {
        var jwks = keys.JwksJson;
        using var document = JsonDocument.Parse(jwks);
        var published = new HashSet<string>();
        var withPrivate = new List<string>();
        foreach (var key in document.RootElement.GetProperty("keys").EnumerateArray())
        {
            var kid = key.TryGetProperty("kid", out var k) ? k.GetString() ?? "" : "";
            published.Add(kid);
            if (AgentValidation.PrivateMembers.Any(m => key.TryGetProperty(m, out _))) withPrivate.Add(kid);
        }
        var retired = keys.Published.Where(k => k.RetiredAt is not null).Select(k => k.Kid).ToHashSet();
        return new KeyFacts(keys.Active.Kid, published, retired, withPrivate, jwks);
    }
}
