using System.Globalization;

namespace AgentIdP.InteropKit.Features.Records;

/// <summary>
/// What the kit knows of the OASF 1.0.0 taxonomy: the entries the profile names, the category numbers they imply,
/// and the id rule (the category number followed by two digits per level). An entry the kit does not know is
/// accepted when its id fits its name's shape and category; a known id or name must come with its partner.
/// </summary>
public static class OasfTaxonomy
{
    public static readonly IReadOnlyDictionary<int, string> Skills = new Dictionary<int, string>
    {
        [101] = "natural_language_processing/natural_language_understanding",
        [102] = "natural_language_processing/natural_language_generation",
        [109] = "natural_language_processing/text_classification",
        [502] = "analytical_skills/coding_skills",
        [601] = "retrieval_augmented_generation/retrieval_of_information",
        [801] = "security_privacy/threat_detection",
        [803] = "security_privacy/secret_leak_detection",
        [1004] = "agent_orchestration/agent_coordination",
        [1104] = "evaluation_monitoring/anomaly_detection",
        [1302] = "governance_compliance/compliance_assessment",
        [1303] = "governance_compliance/audit_trail_summarization",
        [1402] = "tool_interaction/workflow_automation",
        [10202] = "natural_language_processing/natural_language_generation/summarization",
    };

    public static readonly IReadOnlyDictionary<int, string> Domains = new Dictionary<int, string>
    {
        [102] = "technology/software_engineering",
        [105] = "technology/cloud_computing",
        [107] = "technology/security",
        [110] = "technology/process_automation",
        [202] = "finance_and_business/finance",
        [404] = "trust_and_safety/data_privacy",
    };

    public static readonly IReadOnlyDictionary<int, string> Modules = new Dictionary<int, string>
    {
        [101] = "core/observability",
        [102] = "core/evaluation",
        [103] = "core/language_model",
        [201] = "integration/acp",
        [202] = "integration/mcp",
        [203] = "integration/a2a",
        [204] = "integration/agentspec",
    };

    public static readonly IReadOnlySet<string> DeprecatedModules = new HashSet<string> { "integration/acp" };

    /// <summary>Null when a skill or domain entry is consistent, otherwise what is wrong with it.</summary>
    public static string? EntryProblem(IReadOnlyDictionary<int, string> known, long id, string name) =>
        PairProblem(known, id, name) ?? ShapeProblem(known, id, name);

    /// <summary>A known id must come with its name, and a known name with its id.</summary>
    public static string? PairProblem(IReadOnlyDictionary<int, string> known, long id, string name)
    {
        if (id <= int.MaxValue && known.TryGetValue((int)id, out var expected) && expected != name) return $"id {id} is \"{expected}\" in OASF 1.0.0, not \"{name}\"";
        var byName = known.Where(k => k.Value == name).Select(k => (int?)k.Key).FirstOrDefault();
        return byName is { } expectedId && expectedId != id ? $"\"{name}\" has id {expectedId} in OASF 1.0.0, not {id}" : null;
    }

    private static string? ShapeProblem(IReadOnlyDictionary<int, string> known, long id, string name)
    {
        var levels = name.Split('/');
        var digits = id.ToString(CultureInfo.InvariantCulture);
        var categoryDigits = digits.Length - 2 * (levels.Length - 1);
        if (categoryDigits is < 1 or > 2) return $"id {id} does not fit \"{name}\" (a category number and two digits for each of its {levels.Length - 1} sub-levels)";
        var category = int.Parse(digits[..categoryDigits], CultureInfo.InvariantCulture);
        var knownCategory = known.Where(k => k.Value.Split('/')[0] == levels[0]).Select(k => (int?)Category(k.Key, k.Value)).FirstOrDefault();
        return knownCategory is { } c && c != category ? $"\"{levels[0]}\" is category {c} in OASF 1.0.0, but id {id} says {category}" : null;
    }

    private static int Category(int id, string name) => id / (int)Math.Pow(100, name.Split('/').Length - 1);
}
