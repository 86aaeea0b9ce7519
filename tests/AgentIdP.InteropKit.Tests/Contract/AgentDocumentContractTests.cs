using System.Text.Json.Nodes;
using ApiSchemas = AgentIdP.Api.Compliance.PinnedSchemas;
using KitSchemas = AgentIdP.InteropKit.Schemas.PinnedSchemas;

namespace AgentIdP.InteropKit.Tests.Contract;

/// <summary>
/// The API and the kit each pin their own copy of the A2A 1.0 card and OASF 1.0.0 record schemas (the kit must not
/// use API code). This holds both copies to one set of fixtures, so they cannot drift apart unseen.
/// </summary>
public sealed class AgentDocumentContractTests
{
    private static readonly string Root = Path.Combine(AppContext.BaseDirectory, "agent-documents");

    public static TheoryData<string> Cards => new(FixtureNames("cards"));
    public static TheoryData<string> Records => new(FixtureNames("records"));

    [Theory]
    [MemberData(nameof(Cards))]
    public void The_API_and_the_kit_give_each_card_fixture_its_expected_verdict(string fixture)
    {
        var (document, valid) = Load(fixture);

        AssertVerdict("API", valid, ApiSchemas.ValidateCard(document));
        AssertVerdict("kit", valid, KitSchemas.CardProblems(document));
    }

    [Theory]
    [MemberData(nameof(Records))]
    public void The_API_and_the_kit_give_each_record_fixture_its_expected_verdict(string fixture)
    {
        var (document, valid) = Load(fixture);

        AssertVerdict("API", valid, ApiSchemas.ValidateRecord(document));
        AssertVerdict("kit", valid, KitSchemas.RecordProblems(document));
    }

    [Fact]
    public void The_fixture_set_holds_valid_and_invalid_documents_of_both_kinds_and_every_security_scheme_kind()
    {
        foreach (var kind in new[] { "cards", "records" })
        {
            var names = FixtureNames(kind);
            Assert.Contains(names, n => Path.GetFileName(n).StartsWith("valid.", StringComparison.Ordinal));
            Assert.Contains(names, n => Path.GetFileName(n).StartsWith("invalid.", StringComparison.Ordinal));
        }
        var cards = string.Join('\n', Directory.GetFiles(Path.Combine(Root, "cards")).Select(File.ReadAllText));
        foreach (var scheme in new[] { "apiKeySecurityScheme", "httpAuthSecurityScheme", "oauth2SecurityScheme", "openIdConnectSecurityScheme", "mtlsSecurityScheme" })
        {
            Assert.Contains($"\"{scheme}\"", cards);
        }
    }

    private static List<string> FixtureNames(string kind)
    {
        var names = new List<string>();
        foreach (var file in Directory.GetFiles(Path.Combine(Root, kind), "*.json").Order(StringComparer.Ordinal))
        {
            var name = Path.GetFileName(file);
            // A file without a verdict in its name would be silently skipped by both assertions; refuse it instead.
            if (!name.StartsWith("valid.", StringComparison.Ordinal) && !name.StartsWith("invalid.", StringComparison.Ordinal))
            {
                throw new InvalidOperationException($"Fixture {kind}/{name} does not start with valid. or invalid.");
            }
            names.Add($"{kind}/{name}");
        }
        return names;
    }

    private static (JsonNode Document, bool Valid) Load(string fixture) =>
        (JsonNode.Parse(File.ReadAllText(Path.Combine(Root, fixture)))!, Path.GetFileName(fixture).StartsWith("valid.", StringComparison.Ordinal));

    private static void AssertVerdict(string side, bool expectedValid, IReadOnlyList<string> problems)
    {
        if (expectedValid) Assert.True(problems.Count == 0, $"the {side} rejects a valid document: {string.Join("; ", problems)}");
        else Assert.True(problems.Count > 0, $"the {side} accepts an invalid document");
    }
}
