using System.Text.Json.Nodes;
using AgentIdP.InteropKit.Target;

namespace AgentIdP.InteropKit.Features.Keys;

[Binding]
public sealed class KeySteps(TargetClient target, ScenarioState state)
{
    private static readonly Dictionary<string, string[]> PublicMembers = new()
    {
        ["EC"] = ["crv", "x", "y"],
        ["RSA"] = ["n", "e"],
        ["OKP"] = ["crv", "x"],
    };

    private IReadOnlyList<JsonObject> Keys => JwkSet.Parse(state.Answer.JsonObject()).Keys;

    [When("the kit reads the JWKS the metadata names")]
    public async Task ReadJwks() => state.Answer = await target.GetAsync(await target.EndpointAsync("jwks_uri"));

    [Then("the JWKS holds at least one key")]
    public void HoldsAKey() => Check.That(Keys.Count > 0, "the JWKS holds no keys");

    [Then("every key has a kty and a kid no other key has")]
    public void KeysAreIdentified()
    {
        var problems = new List<string>();
        foreach (var (key, i) in Keys.Select((k, i) => (k, i)))
        {
            if (key.Str("kty") is null) problems.Add($"key #{i} has no kty");
            if (key.Str("kid") is null) problems.Add($"key #{i} has no kid");
        }
        problems.AddRange(Keys.Select(k => k.Str("kid")).OfType<string>().GroupBy(k => k).Where(g => g.Count() > 1)
            .Select(g => $"kid \"{g.Key}\" is used by {g.Count()} keys"));
        Check.NoProblems(problems, "the JWKS cannot be used to pick a key");
    }

    [Then("every key is a complete public key usable to verify signatures")]
    public void KeysVerifySignatures()
    {
        var problems = new List<string>();
        foreach (var key in Keys)
        {
            var kid = key.Str("kid") ?? "(no kid)";
            var kty = key.Str("kty") ?? "";
            if (!PublicMembers.TryGetValue(kty, out var members)) problems.Add($"\"{kid}\" has kty \"{kty}\", not EC, RSA or OKP");
            else if (members.FirstOrDefault(m => key.Str(m) is null) is { } missing) problems.Add($"\"{kid}\" lacks {missing}");
            if (key.Str("use") is { } use && use != "sig") problems.Add($"\"{kid}\" has use \"{use}\", not sig");
            if (key.Arr("key_ops") is { } ops && !ops.Strings().Contains("verify")) problems.Add($"\"{kid}\" has key_ops without verify");
        }
        Check.NoProblems(problems, "some published keys cannot verify signatures");
    }

    [Then("no published key holds private members")]
    public void NoPrivateMembers()
    {
        var problems = Keys.SelectMany(k => JwkSet.PrivateMembers.Where(k.ContainsKey)
            .Select(m => $"\"{k.Str("kid") ?? "(no kid)"}\" publishes \"{m}\"")).ToList();
        Check.NoProblems(problems, "the JWKS leaks private key material");
    }
}
