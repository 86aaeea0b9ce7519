using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentIdP.InteropKit.Target;

/// <summary>
/// JSON Canonicalization Scheme (RFC 8785): object members sorted by their UTF-16 code units, no whitespace, strings
/// escaped minimally, numbers in ECMAScript form. Card signatures are computed over this form of the card.
/// </summary>
public static class Jcs
{
    public static byte[] Canonicalize(JsonNode? node)
    {
        var text = new StringBuilder();
        Write(node, text);
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    private static void Write(JsonNode? node, StringBuilder text)
    {
        switch (node)
        {
            case null:
                text.Append("null");
                break;
            case JsonObject obj:
                text.Append('{');
                var first = true;
                foreach (var (name, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (!first) text.Append(',');
                    first = false;
                    WriteString(name, text);
                    text.Append(':');
                    Write(value, text);
                }
                text.Append('}');
                break;
            case JsonArray array:
                text.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0) text.Append(',');
                    Write(array[i], text);
                }
                text.Append(']');
                break;
            case JsonValue value:
                switch (value.GetValueKind())
                {
                    case JsonValueKind.String: WriteString(value.GetValue<string>(), text); break;
                    case JsonValueKind.Number: text.Append(Number(value.GetValue<double>())); break;
                    case JsonValueKind.True: text.Append("true"); break;
                    case JsonValueKind.False: text.Append("false"); break;
                    default: text.Append("null"); break;
                }
                break;
        }
    }

    private static void WriteString(string value, StringBuilder text)
    {
        text.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\b': text.Append("\\b"); break;
                case '\f': text.Append("\\f"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                case < ' ': text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture)); break;
                default: text.Append(c); break;
            }
        }
        text.Append('"');
    }

    /// <summary>ECMAScript Number.prototype.toString, which RFC 8785 §3.2.2.3 prescribes.</summary>
    private static string Number(double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value)) throw Check.Fail("JSON cannot hold NaN or Infinity");
        if (value == 0) return "0";
        if (Math.Abs(value) is >= 1e-6 and < 1e21)
        {
            var plain = value.ToString("R", CultureInfo.InvariantCulture);
            // "R" switches to exponent form below 1e-5 and above 1e15; ECMAScript writes those digits out.
            return plain.Contains('E') ? decimal.Parse(plain, NumberStyles.Float, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture) : plain;
        }
        var parts = value.ToString("R", CultureInfo.InvariantCulture).Split('E');
        var power = int.Parse(parts[1], CultureInfo.InvariantCulture);
        return $"{parts[0]}e{(power < 0 ? "-" : "+")}{Math.Abs(power)}";
    }
}
