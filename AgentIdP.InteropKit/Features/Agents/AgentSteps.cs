using System.Text.Json.Nodes;
using AgentIdP.InteropKit.Target;

namespace AgentIdP.InteropKit.Features.Agents;

[Binding]
public sealed class AgentSteps(TargetClient target)
{
    private IReadOnlyList<JsonObject> _agents = [];
    private readonly List<(JsonObject Agent, Answer Answer)> _documents = [];

    [Given("the tenant's agents")]
    public async Task TenantAgents() => _agents = await target.AgentsToCheckAsync();

    [Then("every agent has an id, a client id and a DID")]
    public void AgentsAreIdentified()
    {
        var problems = new List<string>();
        foreach (var agent in _agents)
        {
            var name = Name(agent);
            if (agent.Str("id") is not { Length: > 0 }) problems.Add($"{name} has no id");
            if (agent.Str("clientId") is not { Length: > 0 }) problems.Add($"{name} has no clientId");
            if (agent.Str("did") is not { } did || !did.StartsWith("did:", StringComparison.Ordinal)) problems.Add($"{name} has no DID");
        }
        Check.NoProblems(problems, "some agents lack an identifier");
    }

    [Then("no two agents share an id, a client id or a DID")]
    public async Task IdentifiersAreUnique()
    {
        // Uniqueness is checked over every listed agent, not only the ones per-agent checks look at.
        var all = (await target.AgentsAsync()).Agents;
        var problems = new[] { "id", "clientId", "did" }
            .SelectMany(field => all.Select(a => a.Str(field)).OfType<string>().GroupBy(v => v).Where(g => g.Count() > 1)
                .Select(g => $"{g.Count()} agents share {field} \"{g.Key}\""))
            .ToList();
        Check.NoProblems(problems, "agent identifiers are not unique");
    }

    [When("the kit resolves each agent's DID document")]
    public async Task ResolveDidDocuments()
    {
        foreach (var agent in _agents)
        {
            var url = DocumentUrl(agent) ?? throw Check.Fail($"{Name(agent)} has neither a didDocumentUrl nor a did:web DID");
            _documents.Add((agent, await target.GetAsync(url, null, new KeyValuePair<string, string>("Accept", "application/did+json, application/json"))));
        }
    }

    [Then("every DID document is served where its did:web DID says")]
    public void ServedWhereDidSays()
    {
        var problems = new List<string>();
        foreach (var (agent, answer) in _documents)
        {
            if (answer.Status != 200) problems.Add($"{Name(agent)}: {answer.Describe()}");
            else if (WebDidUrl(agent.Str("did")) is { } expected && !SameResource(expected, answer.Url))
            {
                problems.Add($"{Name(agent)}'s DID resolves to {expected}, but its document is at {answer.Url}");
            }
        }
        Check.NoProblems(problems, "some DID documents cannot be resolved");
    }

    [Then("every DID document names its DID as id")]
    public void DocumentsNameTheirDid() => Check.NoProblems([.. Documents()
        .Where(d => d.Document.Str("id") != d.Agent.Str("did"))
        .Select(d => $"{Name(d.Agent)}'s document has id \"{d.Document.Str("id")}\", not its DID")], "some DID documents are about another DID");

    [Then("every DID document has a publicKeyJwk verification method that assertionMethod references")]
    public void DocumentsPublishKeys()
    {
        var problems = new List<string>();
        foreach (var (agent, document) in Documents())
        {
            var withKeys = (document.Arr("verificationMethod") ?? []).OfType<JsonObject>()
                .Where(m => m["publicKeyJwk"] is JsonObject).Select(m => m.Str("id")).OfType<string>().ToHashSet();
            if (withKeys.Count == 0)
            {
                problems.Add($"{Name(agent)}'s document has no publicKeyJwk verification method");
                continue;
            }
            // assertionMethod entries are references (strings) or embedded methods (objects with an id).
            var asserting = (document.Arr("assertionMethod") ?? []).Select(m => m is JsonObject o ? o.Str("id")
                : m is JsonValue v && v.TryGetValue<string>(out var reference) ? reference : null);
            if (!asserting.Any(reference => reference is not null && withKeys.Contains(reference))) problems.Add($"{Name(agent)}'s assertionMethod references none of its publicKeyJwk methods");
        }
        Check.NoProblems(problems, "some DID documents publish no usable key");
    }

    [Then("no DID document publishes private key members")]
    public void DocumentsHoldNoPrivateKeys()
    {
        var problems = Documents()
            .SelectMany(d => (d.Document.Arr("verificationMethod") ?? []).OfType<JsonObject>()
                .Select(m => m["publicKeyJwk"] as JsonObject).OfType<JsonObject>()
                .SelectMany(jwk => JwkSet.PrivateMembers.Where(jwk.ContainsKey))
                .Select(member => $"{Name(d.Agent)}'s document publishes \"{member}\""))
            .ToList();
        Check.NoProblems(problems, "DID documents leak private key material");
    }

    private IEnumerable<(JsonObject Agent, JsonObject Document)> Documents() =>
        _documents.Where(d => d.Answer.Status == 200).Select(d => (d.Agent, d.Answer.JsonOrNull() as JsonObject ?? []));

    private static string Name(JsonObject agent) => $"agent {agent.Str("name") ?? agent.Str("id") ?? "(unnamed)"}";

    private Uri? DocumentUrl(JsonObject agent) =>
        agent.Str("didDocumentUrl") is { } url ? target.Url(url) : WebDidUrl(agent.Str("did"));

    /// <summary>did:web (W3C CCG method): <c>did:web:host%3Aport:a:b</c> resolves to <c>https://host:port/a/b/did.json</c>.</summary>
    public static Uri? WebDidUrl(string? did)
    {
        if (did is null || !did.StartsWith("did:web:", StringComparison.Ordinal)) return null;
        var parts = did["did:web:".Length..].Split(':');
        var host = Uri.UnescapeDataString(parts[0]);
        var path = parts.Length == 1 ? "/.well-known" : "/" + string.Join('/', parts.Skip(1).Select(Uri.UnescapeDataString));
        return Uri.TryCreate($"https://{host}{path}/did.json", UriKind.Absolute, out var url) ? url : null;
    }

    /// <summary>Same host, port and path; plain HTTP only on a loopback test deployment, where did:web's HTTPS is not served.</summary>
    private static bool SameResource(Uri didUrl, Uri served) =>
        string.Equals(didUrl.Host, served.Host, StringComparison.OrdinalIgnoreCase) && didUrl.Port == served.Port
        && didUrl.AbsolutePath == served.AbsolutePath && (served.Scheme == Uri.UriSchemeHttps || served.IsLoopback);
}
