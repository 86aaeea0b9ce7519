using AgentIdP.Api.Compliance;

namespace AgentIdP.Api.Agents;

/// <summary>The organisation behind an agent (A2A <c>AgentProvider</c>): both fields are required when it is given.</summary>
public sealed record AgentProvider(string? Organization, string? Url);

/// <summary>Where the agent answers A2A calls and over which binding (<c>JSONRPC</c>, <c>GRPC</c>, <c>HTTP+JSON</c> or a custom one).</summary>
public sealed record AgentInterface(string? Url, string? ProtocolBinding);

/// <summary>An A2A card skill: what the agent does, in its own words.</summary>
public sealed record AgentSkill(string? Id, string? Name, string? Description, string[]? Tags, string[]? Examples = null);

/// <summary>What the agent supports beyond plain request and answer.</summary>
public sealed record AgentCapabilities(bool? Streaming = null, bool? PushNotifications = null);

/// <summary>An OASF 1.0.0 skill or domain as sent: an id, a name, or both (which must then belong together).</summary>
public sealed record OasfClassInput(int? Id, string? Name);

/// <summary>The profile fields create and update requests share.</summary>
public interface IAgentProfileInput
{
    string? Version { get; }
    AgentProvider? Provider { get; }
    AgentInterface[]? Interfaces { get; }
    AgentSkill[]? Skills { get; }
    OasfClassInput[]? OasfSkills { get; }
    OasfClassInput[]? OasfDomains { get; }
    string[]? DefaultInputModes { get; }
    string[]? DefaultOutputModes { get; }
    AgentCapabilities? Capabilities { get; }
    string? DocumentationUrl { get; }
}

public static class AgentProfileInput
{
    /// <summary>The names of the profile fields the request carries (for the audit event, and to tell an empty update).</summary>
    public static string[] ProfileFieldsPresent(this IAgentProfileInput p) =>
    [
        .. new (string Field, object? Value)[]
        {
            ("version", p.Version), ("provider", p.Provider), ("interfaces", p.Interfaces), ("skills", p.Skills),
            ("oasfSkills", p.OasfSkills), ("oasfDomains", p.OasfDomains), ("defaultInputModes", p.DefaultInputModes),
            ("defaultOutputModes", p.DefaultOutputModes), ("capabilities", p.Capabilities), ("documentationUrl", p.DocumentationUrl),
        }.Where(f => f.Value is not null).Select(f => f.Field),
    ];

    public static bool HasProfileFields(this IAgentProfileInput p) => p.ProfileFieldsPresent().Length > 0;

    /// <summary>The OASF skills as taxonomy pairs; call after <see cref="AgentProfileValidation.Check"/> accepted them.</summary>
    public static OasfClass[]? ResolvedOasfSkills(this IAgentProfileInput input) => Resolve(input.OasfSkills, OasfTaxonomy.Pinned.Skills);

    /// <summary>The OASF domains as taxonomy pairs; call after <see cref="AgentProfileValidation.Check"/> accepted them.</summary>
    public static OasfClass[]? ResolvedOasfDomains(this IAgentProfileInput input) => Resolve(input.OasfDomains, OasfTaxonomy.Pinned.Domains);

    private static OasfClass[]? Resolve(OasfClassInput[]? classes, OasfTaxonomy.Kind kind) =>
        classes?.Select(c => kind.Resolve(c.Id, c.Name?.Trim()).Pair!).ToArray();
}
