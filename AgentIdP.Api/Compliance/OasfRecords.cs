using System.Globalization;
using System.Text.Json.Nodes;
using AgentIdP.Api.Agents;

namespace AgentIdP.Api.Compliance;

/// <summary>
/// The OASF 1.0.0 record of an agent: its taxonomy skills and domains, and an <c>integration/a2a</c> module embedding
/// the agent's signed card. Checked against the pinned OASF schema and taxonomy before it is served.
/// </summary>
public static class OasfRecords
{
    public const string CardSchemaVersion = "v1.0.0";
    public const string DidAnnotation = "agentidp.did";

    /// <param name="card">The agent's served card, or null when it has none (the record then has no a2a module).</param>
    /// <param name="authorFallback">Who the record names as author when the agent has no provider: the tenant.</param>
    /// <param name="cardUrl">Where the card is published, as the record's locator.</param>
    public static DocumentResult Build(Agent agent, AgentProfile profile, JsonObject? card, string authorFallback, string cardUrl)
    {
        var problems = new List<string>();
        if (profile.OasfSkills.Length == 0) problems.Add("skills: the agent has no OASF skill (set oasfSkills from the OASF 1.0.0 taxonomy)");
        if (string.IsNullOrWhiteSpace(agent.Description)) problems.Add("description: empty (set description)");
        if (string.IsNullOrWhiteSpace(profile.Version)) problems.Add("version: not set (set version)");
        if (problems.Count > 0) return DocumentResult.Failed(problems);

        var record = new JsonObject
        {
            ["name"] = agent.Name,
            ["version"] = profile.Version,
            ["schema_version"] = OasfTaxonomy.SchemaVersion,
            ["description"] = agent.Description,
            ["authors"] = new JsonArray(profile.Provider?.Organization ?? authorFallback),
            ["created_at"] = agent.CreatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture),
            ["skills"] = Classes(profile.OasfSkills),
        };
        if (profile.OasfDomains.Length > 0) record["domains"] = Classes(profile.OasfDomains);
        if (card is not null)
        {
            record["modules"] = new JsonArray(new JsonObject
            {
                ["name"] = OasfTaxonomy.A2AModule.Name,
                ["id"] = OasfTaxonomy.A2AModule.Id,
                ["data"] = new JsonObject { ["card_data"] = card.DeepClone(), ["card_schema_version"] = CardSchemaVersion },
            });
            record["locators"] = new JsonArray(new JsonObject { ["type"] = "url", ["urls"] = new JsonArray(cardUrl) });
        }
        record["annotations"] = new JsonObject { [DidAnnotation] = agent.Did };

        var errors = new List<string>(PinnedSchemas.ValidateRecord(record).Select(e => "OASF 1.0.0 schema: " + e));
        errors.AddRange(TaxonomyProblems(record));
        return errors.Count > 0 ? DocumentResult.Failed(errors) : new DocumentResult(Served.Of(record), []);
    }

    /// <summary>Skill, domain and module pairs of a record that are not id/name pairs of the pinned OASF 1.0.0 taxonomy.</summary>
    public static IEnumerable<string> TaxonomyProblems(JsonObject record)
    {
        var taxonomy = OasfTaxonomy.Pinned;
        foreach (var (field, kind) in new[] { ("skills", taxonomy.Skills), ("domains", taxonomy.Domains), ("modules", taxonomy.Modules) })
        {
            foreach (var item in record[field] as JsonArray ?? [])
            {
                var id = item?["id"]?.GetValue<int>();
                var name = item?["name"]?.GetValue<string>();
                if (kind.Resolve(id, name).Error is { } error) yield return $"{field}: {error}";
            }
        }
    }

    private static JsonArray Classes(IEnumerable<OasfClassRef> classes) =>
        new([.. classes.Select(c => (JsonNode)new JsonObject { ["id"] = c.Id, ["name"] = c.Name })]);
}
