namespace AgentIdP.Api.Compliance;

/// <summary>The pinned schemas and taxonomy kept in <c>Compliance/Pinned</c>, embedded in the assembly: nothing is fetched at run time.</summary>
internal static class PinnedResources
{
    public const string AgentCardSchema = "a2a-agent-card-1.0.schema.json";
    public const string OasfRecordSchema = "oasf-1.0.0-record.schema.json";
    public const string OasfTaxonomy = "oasf-1.0.0-taxonomy.json";

    public static string Read(string name)
    {
        using var stream = typeof(PinnedResources).Assembly.GetManifestResourceStream($"AgentIdP.Pinned.{name}")
            ?? throw new InvalidOperationException($"The pinned resource {name} is not embedded in the assembly.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    }
}
