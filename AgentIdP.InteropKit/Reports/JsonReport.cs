using System.Text.Json;
using System.Text.Json.Nodes;
using AgentIdP.InteropKit.Running;

namespace AgentIdP.InteropKit.Reports;

/// <summary>report.json: the spec versions, the result level, and per requirement its level, outcome and scenarios.</summary>
public static class JsonReport
{
    public const string FileName = "report.json";
    public const string SchemaVersion = "1.0";

    public static JsonObject Build(KitReport report) => new()
    {
        ["reportSchemaVersion"] = SchemaVersion,
        ["kit"] = "AgentIdP interoperability kit",
        ["profile"] = Profile.Name,
        ["specVersions"] = Profile.SpecVersions(),
        ["target"] = new JsonObject { ["baseUrl"] = report.Options.BaseUrl.AbsoluteUri, ["agentCardUrl"] = report.Options.AgentCardUrl?.AbsoluteUri },
        ["options"] = new JsonObject { ["level"] = report.Options.Level.Tag(), ["tags"] = report.Options.Tags },
        ["startedAt"] = report.StartedAt,
        ["finishedAt"] = report.FinishedAt,
        ["result"] = new JsonObject
        {
            ["level"] = report.Level.Name(), ["explanation"] = report.Level.Explain(), ["exitCode"] = report.ExitCode,
        },
        ["summary"] = Summary(report),
        ["requirements"] = new JsonArray([.. report.Requirements.Select(r => (JsonNode)new JsonObject
        {
            ["id"] = r.Id,
            ["level"] = r.Level.Tag(),
            ["outcome"] = Name(r.Outcome),
            ["scenarios"] = new JsonArray([.. r.Scenarios.Select(s => (JsonNode)new JsonObject
            {
                ["feature"] = s.Scenario.Feature.Title,
                ["scenario"] = s.Scenario.Name,
                ["outcome"] = Name(s.Outcome),
                ["message"] = s.Message,
                ["durationMs"] = Math.Round(s.Duration.TotalMilliseconds),
            })]),
        })]),
    };

    public static void Write(KitReport report, string path) =>
        File.WriteAllText(path, Build(report).ToJsonString(new JsonSerializerOptions { WriteIndented = true }));

    public static string Name(Outcome outcome) => outcome.ToString().ToLowerInvariant();

    private static JsonObject Summary(KitReport report)
    {
        var summary = Counts(report.Results.Count, report.Count(Outcome.Passed), report.Count(Outcome.Failed), report.Count(Outcome.Skipped));
        summary["byLevel"] = new JsonObject(RequirementLevels.All.Select(l => KeyValuePair.Create(l.Tag(), (JsonNode?)Counts(
            report.Results.Count(r => r.Scenario.Level == l), report.Count(l, Outcome.Passed), report.Count(l, Outcome.Failed), report.Count(l, Outcome.Skipped)))));
        return summary;
    }

    private static JsonObject Counts(int total, int passed, int failed, int skipped) => new()
    {
        ["scenarios"] = total, ["passed"] = passed, ["failed"] = failed, ["skipped"] = skipped,
    };
}
