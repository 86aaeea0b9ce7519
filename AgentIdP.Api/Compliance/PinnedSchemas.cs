using System.Text.Json;
using System.Text.Json.Nodes;
using Json.Schema;

namespace AgentIdP.Api.Compliance;

/// <summary>
/// The pinned A2A AgentCard 1.0 and OASF 1.0.0 record schemas (JsonSchema.Net), each with its dialect named, built once
/// into a registry of their own. Every card and record is checked against them before it is served.
/// </summary>
public static class PinnedSchemas
{
    // A valid document is the common case: the cheap pass/fail evaluation first, the detailed one only to explain a failure.
    private static readonly EvaluationOptions Quick = QuickOptions();
    private static readonly EvaluationOptions Detailed = new() { OutputFormat = OutputFormat.List, RequireFormatValidation = true };
    private static readonly Lazy<JsonSchema> Card = new(() => Build(PinnedResources.AgentCardSchema, Dialect.Draft202012));
    private static readonly Lazy<JsonSchema> Record = new(() => Build(PinnedResources.OasfRecordSchema, Dialect.Draft07));

    /// <summary>Schema errors of an A2A card ("/path: message"), none when it is valid.</summary>
    public static IReadOnlyList<string> ValidateCard(JsonNode card) => Evaluate(Card.Value, card);

    /// <summary>Schema errors of an OASF record, none when it is valid. Taxonomy pairs are checked by <see cref="OasfTaxonomy"/>.</summary>
    public static IReadOnlyList<string> ValidateRecord(JsonNode record) => Evaluate(Record.Value, record);

    private static EvaluationOptions QuickOptions()
    {
        var options = new EvaluationOptions { OutputFormat = OutputFormat.Flag, RequireFormatValidation = true };
        options.IgnoreAllAnnotations();
        return options;
    }

    private static JsonSchema Build(string resource, Dialect dialect) =>
        JsonSchema.FromText(PinnedResources.Read(resource), new BuildOptions { Dialect = dialect, SchemaRegistry = new SchemaRegistry() });

    private static IReadOnlyList<string> Evaluate(JsonSchema schema, JsonNode instance)
    {
        var element = JsonSerializer.SerializeToElement(instance);
        if (schema.Evaluate(element, Quick).IsValid) return [];
        var results = schema.Evaluate(element, Detailed);
        var errors = new List<string>();
        foreach (var detail in results.Details ?? [])
        {
            foreach (var (keyword, message) in detail.Errors ?? new Dictionary<string, string>())
            {
                var at = detail.InstanceLocation.ToString();
                // A closed object reports an unknown member as a failed "false" schema, with no keyword.
                errors.Add(keyword.Length == 0
                    ? $"{(at.Length == 0 ? "/" : at)}: not allowed here (the object is closed)"
                    : $"{(at.Length == 0 ? "/" : at)}: {message} ({keyword})");
            }
        }
        if (errors.Count == 0) errors.Add("/: the document does not match the schema");
        return errors;
    }
}
