using System.Text.Json;

namespace AgentIdP.Api.Agents;

/// <summary>
/// Checks the profile part of agent requests: every field besides Identity's own (name, description, scopes, jwks),
/// which the card and record are built from. Identity stores what comes back without looking inside; Compliance,
/// which owns the profile, implements this, so that Identity never depends on Compliance.
/// </summary>
public interface IAgentProfileValidator
{
    /// <summary>The whole profile of a new agent: the fields sent, normalized, over the defaults.</summary>
    ProfileCheck ForNewAgent(IReadOnlyDictionary<string, JsonElement>? fields);

    /// <summary>Only the fields sent, normalized: the store puts each over the stored value of the same name.</summary>
    ProfileCheck Changes(IReadOnlyDictionary<string, JsonElement>? fields);
}

/// <summary>A profile (or its changed fields) ready to store, or the problems by field path (<c>interfaces[0].url</c> → messages).</summary>
public sealed record ProfileCheck(IReadOnlyDictionary<string, JsonElement> Profile, IReadOnlyDictionary<string, string[]> Errors)
{
    public bool IsValid => Errors.Count == 0;
}
