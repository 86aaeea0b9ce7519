using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentIdP.Api.Compliance;

/// <summary>
/// The JSON Canonicalization Scheme (RFC 8785): object members sorted by their UTF-16 code units, no whitespace,
/// strings escaped as ECMAScript's JSON.stringify does, numbers in ECMAScript's Number-to-String form. What is
/// signed (agent cards) is these bytes, so a verifier in any language can rebuild them.
/// </summary>
public static class Jcs
{
    public static byte[] Canonicalize(JsonNode? node)
    {
        var text = new StringBuilder(256);
        try
        {
            Write(text, node);
        }
        catch (InvalidOperationException e)
        {
            // System.Text.Json refuses to read a string with a lone surrogate escape; I-JSON forbids them too.
            throw new FormatException("JCS input is not I-JSON: " + e.Message, e);
        }
        return Encoding.UTF8.GetBytes(text.ToString());
    }

    public static byte[] Canonicalize(string json) => Canonicalize(JsonNode.Parse(json));

    private static void Write(StringBuilder text, JsonNode? node)
    {
        switch (node)
        {
            case null:
                text.Append("null");
                break;
            case JsonObject obj:
                text.Append('{');
                var first = true;
                // Ordinal comparison of .NET strings is comparison of UTF-16 code units, which is what §3.2.3 asks for.
                foreach (var (name, value) in obj.OrderBy(p => p.Key, StringComparer.Ordinal))
                {
                    if (!first) text.Append(',');
                    first = false;
                    WriteString(text, name);
                    text.Append(':');
                    Write(text, value);
                }
                text.Append('}');
                break;
            case JsonArray array:
                text.Append('[');
                for (var i = 0; i < array.Count; i++)
                {
                    if (i > 0) text.Append(',');
                    Write(text, array[i]);
                }
                text.Append(']');
                break;
            case JsonValue value:
                WriteValue(text, value);
                break;
        }
    }

    private static void WriteValue(StringBuilder text, JsonValue value)
    {
        switch (value.GetValueKind())
        {
            case JsonValueKind.String:
                WriteString(text, value.GetValue<string>());
                break;
            case JsonValueKind.Number:
                text.Append(Number(value.TryGetValue(out double d) ? d : double.Parse(value.ToJsonString(), CultureInfo.InvariantCulture)));
                break;
            case JsonValueKind.True:
                text.Append("true");
                break;
            case JsonValueKind.False:
                text.Append("false");
                break;
            case JsonValueKind.Null:
                text.Append("null");
                break;
            default:
                throw new FormatException($"JCS cannot serialize a {value.GetValueKind()} value.");
        }
    }

    /// <summary>RFC 8785 §3.2.2.2: only '"', '\' and control characters are escaped; the short forms where JSON has them.</summary>
    private static void WriteString(StringBuilder text, string s)
    {
        text.Append('"');
        for (var i = 0; i < s.Length; i++)
        {
            var c = s[i];
            switch (c)
            {
                case '"': text.Append("\\\""); break;
                case '\\': text.Append("\\\\"); break;
                case '\b': text.Append("\\b"); break;
                case '\f': text.Append("\\f"); break;
                case '\n': text.Append("\\n"); break;
                case '\r': text.Append("\\r"); break;
                case '\t': text.Append("\\t"); break;
                case < ' ':
                    text.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
                    break;
                default:
                    // I-JSON (RFC 7493) forbids lone surrogates: they have no UTF-8 form to sign.
                    if (char.IsHighSurrogate(c) && (i + 1 == s.Length || !char.IsLowSurrogate(s[i + 1]))
                        || char.IsLowSurrogate(c) && (i == 0 || !char.IsHighSurrogate(s[i - 1])))
                    {
                        throw new FormatException("JCS input holds a lone surrogate, which I-JSON does not allow.");
                    }
                    text.Append(c);
                    break;
            }
        }
        text.Append('"');
    }

    /// <summary>
    /// ECMAScript Number::toString (ES2015 §7.1.12.1) for a finite double: the shortest digits that round-trip
    /// (which .NET's "R" format gives), laid out as plain or exponential notation by ECMAScript's rules.
    /// </summary>
    public static string Number(double value)
    {
        if (!double.IsFinite(value)) throw new FormatException("JCS cannot serialize NaN or Infinity.");
        if (value == 0) return "0"; // also -0
        var r = value.ToString("R", CultureInfo.InvariantCulture);
        var negative = r[0] == '-';
        if (negative) r = r[1..];

        // r is "d.dddE±x", "ddd.ddd" or "ddd": reduce to digits s and n, where value = 0.s × 10^n.
        var exponent = 0;
        var e = r.IndexOfAny(['E', 'e']);
        if (e >= 0)
        {
            exponent = int.Parse(r.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            r = r[..e];
        }
        var dot = r.IndexOf('.');
        var integerDigits = dot < 0 ? r.Length : dot;
        var digits = dot < 0 ? r : r.Remove(dot, 1);
        var leadingZeros = digits.Length - digits.TrimStart('0').Length;
        digits = digits.Trim('0');
        var n = integerDigits - leadingZeros + exponent;
        var k = digits.Length;

        var result = new StringBuilder(32);
        if (negative) result.Append('-');
        if (k <= n && n <= 21)
        {
            result.Append(digits).Append('0', n - k);
        }
        else if (0 < n && n <= 21)
        {
            result.Append(digits, 0, n).Append('.').Append(digits, n, k - n);
        }
        else if (-6 < n && n <= 0)
        {
            result.Append("0.").Append('0', -n).Append(digits);
        }
        else
        {
            result.Append(digits[0]);
            if (k > 1) result.Append('.').Append(digits, 1, k - 1);
            result.Append('e').Append(n - 1 < 0 ? '-' : '+').Append(Math.Abs(n - 1).ToString(CultureInfo.InvariantCulture));
        }
        return result.ToString();
    }
}
