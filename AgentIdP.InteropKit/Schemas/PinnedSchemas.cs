using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace AgentIdP.InteropKit.Schemas;

/// <summary>The JSON Schemas the kit validates cards and records with, embedded beside this file.</summary>
public static class PinnedSchemas
{
    private static readonly SchemaRegistry Registry = new();
    private static readonly Lazy<JsonSchema> Card = new(() => Load("a2a-agent-card-1.0.schema.json"));
    private static readonly Lazy<JsonSchema> Record = new(() => Load("oasf-record-1.0.0.schema.json"));

    /// <summary>Every violation of the A2A 1.0 card schema, as "location: message"; empty when the card is valid.</summary>
    public static IReadOnlyList<string> CardProblems(JsonNode card) => Problems(Card.Value, card);

    public static IReadOnlyList<string> RecordProblems(JsonNode record) => Problems(Record.Value, record);

    private static JsonSchema Load(string file)
    {
        using var stream = typeof(PinnedSchemas).Assembly.GetManifestResourceStream($"Schemas/{file}")!;
        using var reader = new StreamReader(stream);
        return JsonSchema.FromText(reader.ReadToEnd(), new BuildOptions { Dialect = Dialect.Draft202012, SchemaRegistry = Registry });
    }

    private static List<string> Problems(JsonSchema schema, JsonNode instance)
    {
        using var document = JsonDocument.Parse(instance.ToJsonString());
        var results = schema.Evaluate(document.RootElement, new EvaluationOptions { OutputFormat = OutputFormat.List, RequireFormatValidation = true });
        if (results.IsValid) return [];
        return [.. new[] { results }.Concat(results.Details ?? [])
            .Where(d => d.Errors is { Count: > 0 })
            .SelectMany(d => d.Errors!.Select(e => $"{Location(d.InstanceLocation.ToString())}: {e.Value}"))
            .Distinct()];
    }

    private static string Location(string pointer) => pointer.Length == 0 ? "(root)" : pointer;
}
