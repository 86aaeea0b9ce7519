using System.Text.Json.Nodes;
using AgentIdP.InteropKit.Features.Cards;
using AgentIdP.InteropKit.Schemas;
using AgentIdP.InteropKit.Target;

namespace AgentIdP.InteropKit.Features.Records;

[Binding]
public sealed class RecordSteps(TargetClient target)
{
    private const string A2AModule = "integration/a2a";
    private readonly List<(JsonObject Agent, string Label, Answer Answer)> _records = [];

    /// <summary>The records that could be read; when none could, there is nothing to check beyond AGT-REC-001's failure.</summary>
    private IEnumerable<(JsonObject Agent, string Label, JsonObject Record)> Records => _records.All(r => Readable(r.Answer) is null)
        ? throw Check.Skip("no record could be read (AGT-REC-001 fails), so there is nothing more to check")
        : _records.Where(r => Readable(r.Answer) is not null).Select(r => (r.Agent, r.Label, Readable(r.Answer)!));

    [Given("the OASF records of the tenant's agents")]
    public async Task TenantRecords()
    {
        foreach (var agent in await target.AgentsToCheckAsync(activeOnly: true))
        {
            var answer = await target.GetAsAdminAsync(CompliancePaths.Record(agent.Str("id") ?? ""));
            _records.Add((agent, $"agent {agent.Str("name") ?? agent.Str("id")}'s record", answer));
        }
        if (_records.All(r => r.Answer.Status == 404) && !await target.ComplianceDeployedAsync())
        {
            throw Check.Skip($"the target exports no OASF records (GET {_records[0].Answer.Url.AbsolutePath} answered 404): its compliance features are off or not deployed");
        }
    }

    [Then("every record answers 200 with a JSON object")]
    public void RecordsAreServed() => Check.NoProblems([.. _records.Where(r => Readable(r.Answer) is null)
        .Select(r => $"{r.Label}: {r.Answer.Describe()}")], "some records cannot be read");

    [Then("every record validates against the OASF 1.0.0 record schema")]
    public void RecordsValidate() => Check.NoProblems(
        [.. Records.SelectMany(r => PinnedSchemas.RecordProblems(r.Record).Select(p => $"{r.Label} {p}"))], "some records are not valid OASF 1.0.0 records");

    [Then("every record's skills are OASF 1.0.0 taxonomy entries whose id and name belong together")]
    public void SkillsAreConsistent() => Check.NoProblems([.. Records.SelectMany(r => TaxonomyProblems(r.Label, r.Record, "skills", OasfTaxonomy.Skills, OasfTaxonomy.EntryProblem))],
        "some skills are not OASF 1.0.0 taxonomy entries");

    [Then("every record has domains and modules")]
    public void HasRecommendedFields() => Check.NoProblems([.. Records.SelectMany(r => new[] { "domains", "modules" }
        .Where(f => r.Record.Arr(f) is not { Count: > 0 }).Select(f => $"{r.Label} has no {f}"))], "some records lack recommended fields");

    [Then("every record's domains and modules are OASF 1.0.0 entries whose id and name belong together")]
    public void DomainsAndModulesAreConsistent() => Check.NoProblems([.. Records.SelectMany(r =>
        TaxonomyProblems(r.Label, r.Record, "domains", OasfTaxonomy.Domains, OasfTaxonomy.EntryProblem)
            .Concat(TaxonomyProblems(r.Label, r.Record, "modules", OasfTaxonomy.Modules, OasfTaxonomy.PairProblem)))],
        "some domains or modules are not OASF 1.0.0 entries");

    [Then("no record uses a deprecated module")]
    public void NoDeprecatedModule() => Check.NoProblems([.. Records.SelectMany(r => (r.Record.Arr("modules") ?? [])
        .Select(m => m.Str("name")).OfType<string>().Where(OasfTaxonomy.DeprecatedModules.Contains)
        .Select(m => $"{r.Label} uses the deprecated module {m}"))], "some records use deprecated modules");

    [Then(@"^every record has an integration/a2a module with card_schema_version ""(.*)""$")]
    public void HasA2AModule(string version) => Check.NoProblems([.. Records
        .Select(r => (r.Label, Data: A2AData(r.Record)))
        .Where(r => r.Data?.Str("card_schema_version") != version || r.Data.Obj("card_data") is null)
        .Select(r => r.Data is null ? $"{r.Label} has no {A2AModule} module with data"
            : $"{r.Label}'s {A2AModule} module has card_schema_version \"{r.Data.Str("card_schema_version")}\" and {(r.Data.Obj("card_data") is null ? "no" : "a")} card_data")],
        $"some records do not embed an A2A card");

    [Then("every record's embedded card is the card the agent serves")]
    public async Task EmbedsServedCard()
    {
        var tenantId = (await target.AgentsAsync()).TenantId;
        var problems = new List<string>();
        foreach (var (agent, label, record) in Records)
        {
            if (A2AData(record)?.Obj("card_data") is not { } embedded) continue;
            var served = await target.CardAsync(AgentCards.UrlFor(target, tenantId, agent));
            if (served.Status != 200 || served.JsonOrNull() is not JsonObject card) problems.Add($"{label}: the agent's card cannot be read ({served.Describe()})");
            else if (!Jcs.Canonicalize(AgentCards.WithoutSignatures(embedded)).AsSpan().SequenceEqual(Jcs.Canonicalize(AgentCards.WithoutSignatures(card))))
            {
                problems.Add($"{label} embeds a card that differs from the one served at {served.Url.AbsolutePath}");
            }
        }
        Check.NoProblems(problems, "some records embed another card than the agent's");
    }

    private static JsonObject? Readable(Answer answer) => answer.Status == 200 ? answer.JsonOrNull() as JsonObject : null;

    private static JsonObject? A2AData(JsonObject record) =>
        (record.Arr("modules") ?? []).FirstOrDefault(m => m.Str("name") == A2AModule)?.Obj("data");

    private static IEnumerable<string> TaxonomyProblems(string label, JsonObject record, string field, IReadOnlyDictionary<int, string> known,
        Func<IReadOnlyDictionary<int, string>, long, string, string?> problem) =>
        (record.Arr(field) ?? []).Select(entry => (Id: entry.Long("id"), Name: entry.Str("name")))
            .Select(e => e.Id is null || e.Name is null ? $"a {field} entry lacks an integer id or a name"
                : problem(known, e.Id.Value, e.Name))
            .OfType<string>()
            .Select(p => $"{label} {field}: {p}");
}
