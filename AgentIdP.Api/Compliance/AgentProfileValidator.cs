using System.Text.Json;
using AgentIdP.Api.Agents;

namespace AgentIdP.Api.Compliance;

/// <summary>
/// Identity's profile check, done here where the profile is owned: the fields are read as an <see cref="AgentProfile"/>,
/// held to <see cref="AgentProfileValidation"/>, and OASF classes completed to full taxonomy pairs before they are stored.
/// </summary>
public sealed class AgentProfileValidator : IAgentProfileValidator
{
    // The profile's JSON names, matched without regard to case as the API matches every other request field.
    private static readonly Dictionary<string, string> FieldNames = AgentProfile.Json.GetTypeInfo(typeof(AgentProfile)).Properties
        .ToDictionary(p => p.Name, p => p.Name, StringComparer.OrdinalIgnoreCase);

    private static readonly Dictionary<string, string[]> NoErrors = new();
    private static readonly Dictionary<string, JsonElement> NoFields = new();

    public ProfileCheck ForNewAgent(IReadOnlyDictionary<string, JsonElement>? fields) => Check(fields, onlySent: false);

    public ProfileCheck Changes(IReadOnlyDictionary<string, JsonElement>? fields) => Check(fields, onlySent: true);

    private static ProfileCheck Check(IReadOnlyDictionary<string, JsonElement>? fields, bool onlySent)
    {
        var errors = new List<ProfileError>();
        var sent = new Dictionary<string, JsonElement>();
        foreach (var (name, value) in fields ?? NoFields)
        {
            if (value.ValueKind is JsonValueKind.Null) continue; // null means "not given", as for every agent field
            if (FieldNames.TryGetValue(name, out var field)) sent[field] = value;
            else errors.Add(new(name, $"'{name}' is not a field of an agent."));
        }

        AgentProfile? profile = null;
        try
        {
            profile = JsonSerializer.SerializeToElement(sent).Deserialize<AgentProfile>(AgentProfile.Json);
        }
        catch (JsonException e)
        {
            var path = e.Path is { Length: > 2 } p ? p[2..] : "profile"; // "$.interfaces[0].url" → "interfaces[0].url"
            errors.Add(new(path, $"{path} has a value of the wrong type, or a field it does not take."));
        }
        if (profile is not null) errors.AddRange(AgentProfileValidation.Check(profile));
        if (errors.Count > 0)
        {
            return new ProfileCheck(NoFields, errors.GroupBy(e => e.Path).ToDictionary(g => g.Key, g => g.Select(e => e.Message).ToArray()));
        }

        var stored = Completed(profile!).ToFields();
        return new ProfileCheck(onlySent ? stored.Where(f => sent.ContainsKey(f.Key)).ToDictionary() : stored, NoErrors);
    }

    /// <summary>The profile with each OASF class as its full taxonomy pair (sent as an id alone or a name alone).</summary>
    private static AgentProfile Completed(AgentProfile profile) => profile with
    {
        OasfSkills = Resolve(profile.OasfSkills, OasfTaxonomy.Pinned.Skills),
        OasfDomains = Resolve(profile.OasfDomains, OasfTaxonomy.Pinned.Domains),
    };

    private static OasfClassRef[] Resolve(OasfClassRef[] classes, OasfTaxonomy.Kind kind) =>
        [.. classes.Select(c => kind.Resolve(c.Id, c.Name?.Trim()).Pair!).Select(pair => new OasfClassRef(pair.Id, pair.Name))];
}
