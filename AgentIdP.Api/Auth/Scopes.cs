using System.Text.RegularExpressions;

namespace AgentIdP.Api.Auth;

/// <summary>The scopes AgentIdP itself understands, and the shape of the ones tenants grant their agents.</summary>
public static partial class Scopes
{
    public const string PlatformAdmin = "platform:admin";
    public const string TenantAdmin = "tenant:admin";
    public const string A2AInvoke = "a2a:invoke";

    /// <summary>Scopes only AgentIdP grants; a tenant cannot give them to an agent.</summary>
    public static bool IsReserved(string scope) => scope is PlatformAdmin or TenantAdmin;

    /// <summary>RFC 6749 scope-token characters, kept to a readable subset.</summary>
    [GeneratedRegex("^[A-Za-z0-9:._/-]{1,64}$")]
    public static partial Regex Valid();
}
