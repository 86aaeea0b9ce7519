using AgentIdP.Api.Agents;

namespace AgentIdP.Api.Compliance;

/// <summary>An agent's card and record, built together: the record embeds the very card that is served.</summary>
public sealed record AgentDocumentSet(DocumentResult Card, DocumentResult Record);

public sealed class AgentDocuments(AgentCards cards, ComplianceRoutes routes)
{
    public async Task<DocumentResult> CardAsync(Agent agent, CancellationToken ct) => await cards.BuildAsync(agent, ct);

    /// <param name="tenantName">The record's author when the agent names no provider.</param>
    public async Task<AgentDocumentSet> BuildAsync(Agent agent, string tenantName, CancellationToken ct)
    {
        var card = await cards.BuildAsync(agent, ct);
        var record = OasfRecords.Build(agent, card.Document?.Json, tenantName, routes.CardUrl(agent.TenantId, agent.Id));
        return new AgentDocumentSet(card, record);
    }
}
