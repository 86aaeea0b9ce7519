namespace AgentIdP.InteropKit;

/// <summary>The profile the kit checks and the spec versions it pins (see docs/interop-kit.md).</summary>
public static class Profile
{
    public const string Name = "AgentIdP profile v1";
    public const string A2A = "1.0";
    public const string Oasf = "1.0.0";
    public const string AgntcyIdentity = "v1alpha1";
    public const string A2ACardSchemaVersion = "v1.0.0";

    public static System.Text.Json.Nodes.JsonObject SpecVersions() => new()
    {
        ["a2a"] = A2A, ["oasf"] = Oasf, ["agntcyIdentity"] = AgntcyIdentity,
    };
}
