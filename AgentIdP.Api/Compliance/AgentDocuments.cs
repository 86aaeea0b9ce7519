using System.Security.Cryptography;
using System.Text.Json;
using AgentIdP.Api.Agents;
using AgentIdP.Api.Keys;
using Microsoft.Extensions.Caching.Memory;

namespace AgentIdP.Api.Compliance;

/// <summary>An agent's card and record, built together: the record embeds the very card that is served.</summary>
public sealed record AgentDocumentSet(DocumentResult Card, DocumentResult Record);

/// <summary>
/// Builds, validates and signs agents' cards and records. A built set is kept in memory under a hash of everything
/// it is made from (the agent as stored, the tenant name, the signing key), so an unchanged agent is not validated
/// again for every report; any change to those inputs is a different key.
/// </summary>
public sealed class AgentDocuments(AgentCards cards, ComplianceRoutes routes, SigningKeyStore keys)
{
    private static readonly TimeSpan KeepFor = TimeSpan.FromHours(1);
    private readonly MemoryCache _built = new(new MemoryCacheOptions { SizeLimit = 50_000 });

    /// <param name="tenantName">The record's author when the agent names no provider.</param>
    public async Task<AgentDocumentSet> BuildAsync(Agent agent, string tenantName, CancellationToken ct)
    {
        var key = InputsHash(agent, tenantName);
        if (_built.TryGetValue(key, out AgentDocumentSet? built)) return built!;

        var profile = AgentProfile.Of(agent);
        var card = await cards.BuildAsync(agent, profile, ct);
        var record = OasfRecords.Build(agent, profile, card.Document?.Json, tenantName, routes.CardUrl(agent.TenantId, agent.Id));
        built = new AgentDocumentSet(card, record);
        _built.Set(key, built, new MemoryCacheEntryOptions { Size = 1, SlidingExpiration = KeepFor });
        return built;
    }

    private string InputsHash(Agent agent, string tenantName)
    {
        var inputs = JsonSerializer.SerializeToUtf8Bytes(new { agent, tenantName, kid = keys.Active.Kid });
        return Convert.ToHexStringLower(SHA256.HashData(inputs));
    }
}
