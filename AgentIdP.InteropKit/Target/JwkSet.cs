using System.Text.Json.Nodes;

namespace AgentIdP.InteropKit.Target;

/// <summary>A published JSON Web Key Set, by kid.</summary>
public sealed class JwkSet
{
    /// <summary>JWK members that belong to private or symmetric keys (RFC 7518 §6): never in a published set.</summary>
    public static readonly string[] PrivateMembers = ["d", "p", "q", "dp", "dq", "qi", "oth", "k"];

    private JwkSet(IReadOnlyList<JsonObject> keys) => Keys = keys;

    public IReadOnlyList<JsonObject> Keys { get; }

    public IEnumerable<string> Kids => Keys.Select(k => k.Str("kid")).OfType<string>();

    public JsonObject? Find(string kid) => Keys.FirstOrDefault(k => k.Str("kid") == kid);

    public static JwkSet Parse(JsonObject document)
    {
        var keys = document.Arr("keys") ?? throw Check.Fail("the JWKS has no \"keys\" array");
        return new JwkSet([.. keys.OfType<JsonObject>()]);
    }

    public string Describe() => Keys.Count == 0 ? "the JWKS is empty" : $"published kids: {string.Join(", ", Kids)}";
}
