using System.Text.Json.Nodes;
using AgentIdP.InteropKit.Target;

namespace AgentIdP.InteropKit.Features.Cards;

/// <summary>A card the kit checks: whose it is, where it was fetched and what came back.</summary>
public sealed record CardUnderTest(string Label, Answer Answer)
{
    public JsonObject? Card => Answer.Status == 200 ? Answer.JsonOrNull() as JsonObject : null;

    /// <summary>The card as it is signed and embedded: without its signatures.</summary>
    public JsonObject? Unsigned => Card is null ? null : AgentCards.WithoutSignatures(Card);
}

public static class AgentCards
{
    public static JsonObject WithoutSignatures(JsonObject card)
    {
        var copy = (JsonObject)card.DeepClone();
        copy.Remove("signatures");
        return copy;
    }

    public static Uri UrlFor(TargetClient target, string tenantId, JsonObject agent) =>
        target.Url(agent.Str("agentCardUrl") ?? CompliancePaths.Card(tenantId, agent.Str("id") ?? throw Check.Fail("an agent has no id")));

    /// <summary>
    /// The card given with --agent-card-url, or the cards of the tenant's agents. The scenario is skipped when the
    /// tenant has no agents, or when no agent has a card because the compliance features are off or not deployed.
    /// </summary>
    public static async Task<IReadOnlyList<CardUnderTest>> ToCheckAsync(TargetClient target)
    {
        if (target.Options.AgentCardUrl is { } only) return [new CardUnderTest($"the card at {only}", await target.CardAsync(only))];

        var tenantId = (await target.AgentsAsync()).TenantId;
        var cards = new List<CardUnderTest>();
        foreach (var agent in await target.AgentsToCheckAsync())
        {
            cards.Add(new CardUnderTest($"agent {agent.Str("name") ?? agent.Str("id")}", await target.CardAsync(UrlFor(target, tenantId, agent))));
        }
        if (cards.All(c => c.Answer.Status == 404) && !await target.ComplianceDeployedAsync())
        {
            throw Check.Skip($"the target serves no agent cards (GET {cards[0].Answer.Url.AbsolutePath} answered 404): its compliance features are off or not deployed");
        }
        return cards;
    }
}
