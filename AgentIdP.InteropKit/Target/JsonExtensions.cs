using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentIdP.InteropKit.Target;

public static class JsonExtensions
{
    public static string? Str(this JsonNode? node, string name) =>
        node is JsonObject o && o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.String ? v.GetValue<string>() : null;

    public static long? Long(this JsonNode? node, string name) =>
        node is JsonObject o && o[name] is JsonValue v && v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<long>(out var n) ? n : null;

    public static JsonArray? Arr(this JsonNode? node, string name) => (node as JsonObject)?[name] as JsonArray;

    public static JsonObject? Obj(this JsonNode? node, string name) => (node as JsonObject)?[name] as JsonObject;

    public static IEnumerable<string> Strings(this JsonArray? array) =>
        array?.OfType<JsonValue>().Where(v => v.GetValueKind() == JsonValueKind.String).Select(v => v.GetValue<string>()) ?? [];

    /// <summary>Absolute http(s) URL; plain HTTP only on a loopback host, which is how test deployments run.</summary>
    public static bool IsSecureOrLoopbackUrl(string? text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var url)
        && (url.Scheme == Uri.UriSchemeHttps || (url.Scheme == Uri.UriSchemeHttp && url.IsLoopback));
}
