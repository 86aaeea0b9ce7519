using System.Text.Json.Serialization;

namespace AgentIdP.Api.OAuth;

/// <summary>
/// Whether an agent's client may get and use tokens. It lives with OAuth, below Agents, because the token endpoint
/// refuses a disabled agent; Agents sets it.
/// </summary>
[JsonConverter(typeof(JsonStringEnumConverter<AgentStatus>))]
public enum AgentStatus
{
    [JsonStringEnumMemberName("active")] Active,
    [JsonStringEnumMemberName("disabled")] Disabled,
}

public static class AgentStatuses
{
    /// <summary>The name in JSON, in reports and in <c>agents.status</c> (whose CHECK constraint allows these two).</summary>
    public static string Name(this AgentStatus status) => status switch
    {
        AgentStatus.Active => "active",
        AgentStatus.Disabled => "disabled",
        _ => throw new ArgumentOutOfRangeException(nameof(status), status, null),
    };

    /// <summary>Reads <c>agents.status</c>; the constraint keeps anything else out.</summary>
    public static AgentStatus Parse(string name) => name switch
    {
        "active" => AgentStatus.Active,
        "disabled" => AgentStatus.Disabled,
        _ => throw new FormatException($"Unknown agent status '{name}'."),
    };
}
