using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentIdP.InteropKit.Target;

/// <summary>
/// RFC 8785 JSON Canonicalization Scheme, the kit's own: it verifies what a target signed, so it must not share code
/// with any implementation under test (a shared bug would pass on both sides).
/// </summary>
public static class Jcs
{
    public static byte[] Canonicalize(JsonNode? node)
    {
        // Walking a JsonElement keeps duplicate member names visible, so they can be refused (I-JSON, RFC 7493 §2.3).
        // The serializer would quietly replace a lone surrogate with U+FFFD, so strings are checked before it sees them.
        RequireUnicode(node);
        var element = JsonSerializer.SerializeToElement(node);
        var output = new StringBuilder();
        Append(output, element);
        return Encoding.UTF8.GetBytes(output.ToString());
    }

    public static byte[] Canonicalize(string json)
    {
        using var document = JsonDocument.Parse(json);
        var output = new StringBuilder();
        Append(output, document.RootElement);
        return Encoding.UTF8.GetBytes(output.ToString());
    }

    private static void RequireUnicode(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, value) in obj)
                {
                    JcsStrings.RequireUnicode(name);
                    RequireUnicode(value);
                }
                break;
            case JsonArray array:
                foreach (var item in array) RequireUnicode(item);
                break;
            case JsonValue value when value.TryGetValue(out string? text):
                JcsStrings.RequireUnicode(text);
                break;
        }
    }

    private static void Append(StringBuilder output, JsonElement element)
    {
        switch (element.ValueKind)
        {
            case JsonValueKind.Object:
                AppendObject(output, element);
                break;
            case JsonValueKind.Array:
                output.Append('[');
                var index = 0;
                foreach (var item in element.EnumerateArray())
                {
                    if (index++ > 0) output.Append(',');
                    Append(output, item);
                }
                output.Append(']');
                break;
            case JsonValueKind.String:
                JcsStrings.Append(output, Text(element));
                break;
            case JsonValueKind.Number:
                // A literal beyond double's range parses to no finite value: it has no ECMAScript form.
                if (!element.TryGetDouble(out var number) || !double.IsFinite(number))
                {
                    throw new FormatException($"The number {element.GetRawText()} is outside IEEE 754 double range.");
                }
                output.Append(JcsNumbers.Format(number));
                break;
            case JsonValueKind.True:
                output.Append("true");
                break;
            case JsonValueKind.False:
                output.Append("false");
                break;
            default:
                output.Append("null");
                break;
        }
    }

    private static void AppendObject(StringBuilder output, JsonElement element)
    {
        var members = element.EnumerateObject().Select(p => (Name: Text(p), p.Value)).ToList();
        // RFC 8785 §3.2.3: names compare as arrays of UTF-16 code units, which is exactly ordinal string comparison in .NET.
        members.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        output.Append('{');
        for (var i = 0; i < members.Count; i++)
        {
            if (i > 0)
            {
                if (members[i].Name == members[i - 1].Name) throw new FormatException($"The member name \"{members[i].Name}\" appears twice.");
                output.Append(',');
            }
            JcsStrings.Append(output, members[i].Name);
            output.Append(':');
            Append(output, members[i].Value);
        }
        output.Append('}');
    }

    private static string Text(JsonElement element) => Decode(element.GetString);

    private static string Text(JsonProperty property) => Decode(() => property.Name);

    private static string Decode(Func<string?> read)
    {
        try
        {
            return read() ?? "";
        }
        catch (InvalidOperationException e)
        {
            // System.Text.Json refuses escapes of lone surrogates; such strings are not I-JSON either.
            throw new FormatException("A string is not valid Unicode: " + e.Message, e);
        }
    }
}
