using System.Text.Json;
using System.Text.Json.Serialization;
using AgentIdP.Api.Agents;

namespace AgentIdP.Api.Compliance;

/// <summary>
/// What an agent's A2A card and OASF record say beyond its name and description: the one value type of the profile.
/// Requests send these fields flat beside the agent's own, Identity stores them as one JSON object without looking
/// inside (<see cref="Agent.Profile"/>), and this feature checks them (<see cref="AgentProfileValidator"/>) and builds
/// cards and records from them. A new card field is a property here, its rule in <see cref="AgentProfileValidation"/>,
/// and its use in <see cref="AgentCards"/> or <see cref="OasfRecords"/>.
/// </summary>
/// <remarks>Property defaults are what an agent that never sent the field has; declaration order is the order of stored keys.</remarks>
public sealed record AgentProfile
{
    public string? Version { get; init; }
    public AgentProvider? Provider { get; init; }
    public AgentInterface[] Interfaces { get; init; } = [];
    public AgentSkill[] Skills { get; init; } = [];
    public OasfClassRef[] OasfSkills { get; init; } = [];
    public OasfClassRef[] OasfDomains { get; init; } = [];
    public string[] DefaultInputModes { get; init; } = ["text/plain"];
    public string[] DefaultOutputModes { get; init; } = ["text/plain"];
    public AgentCapabilities Capabilities { get; init; } = new();
    public string? DocumentationUrl { get; init; }

    /// <summary>camelCase like the rest of the API; absent values are left out of the stored JSON, as the API has always shown them.</summary>
    internal static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        // A misspelt nested field is an error on write, as it is everywhere in the API.
        UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow,
        // Set here rather than on first use, so the validator can list the profile's field names before any (de)serialization.
        TypeInfoResolver = new System.Text.Json.Serialization.Metadata.DefaultJsonTypeInfoResolver(),
    };

    // Stored profiles were valid when written; a key dropped from this type since must not stop the agent's card.
    private static readonly JsonSerializerOptions Stored = new(Json) { UnmappedMemberHandling = JsonUnmappedMemberHandling.Skip };

    /// <summary>The agent's stored profile; fields it has never set read as their defaults.</summary>
    public static AgentProfile Of(Agent agent) => JsonSerializer.SerializeToElement(agent.Profile).Deserialize<AgentProfile>(Stored) ?? new AgentProfile();

    /// <summary>The profile as Identity stores it: field name → value.</summary>
    public Dictionary<string, JsonElement> ToFields() =>
        JsonSerializer.SerializeToElement(this, Json).EnumerateObject().ToDictionary(f => f.Name, f => f.Value);
}

/// <summary>The organisation behind an agent (A2A <c>AgentProvider</c>): both fields are required when it is given.</summary>
public sealed record AgentProvider(string? Organization, string? Url);

/// <summary>Where the agent answers A2A calls and over which binding (<c>JSONRPC</c>, <c>GRPC</c>, <c>HTTP+JSON</c> or a custom one).</summary>
public sealed record AgentInterface(string? Url, string? ProtocolBinding);

/// <summary>An A2A card skill: what the agent does, in its own words.</summary>
public sealed record AgentSkill(string? Id, string? Name, string? Description, string[]? Tags, string[]? Examples = null);

/// <summary>What the agent supports beyond plain request and answer.</summary>
public sealed record AgentCapabilities(bool? Streaming = null, bool? PushNotifications = null);

/// <summary>
/// An OASF 1.0.0 skill or domain: sent as an id, a name, or both (which must then belong together); stored as both,
/// completed from the pinned taxonomy.
/// </summary>
public sealed record OasfClassRef(int? Id, string? Name);
