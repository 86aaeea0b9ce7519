using System.Text;

namespace AgentIdP.InteropKit.Target;

/// <summary>RFC 8785 §3.2.2.2 strings: JSON.stringify's escaping, nothing more (non-ASCII stays literal).</summary>
internal static class JcsStrings
{
    private const string Hex = "0123456789abcdef";

    public static void Append(StringBuilder output, string value)
    {
        output.Append('"');
        foreach (var rune in Runes(value))
        {
            var code = rune.Value;
            var escape = code switch
            {
                0x08 => "\\b",
                0x09 => "\\t",
                0x0A => "\\n",
                0x0C => "\\f",
                0x0D => "\\r",
                0x22 => "\\\"",
                0x5C => "\\\\",
                _ => null,
            };
            if (escape is not null) output.Append(escape);
            else if (code < 0x20) output.Append("\\u00").Append(Hex[code >> 4]).Append(Hex[code & 0xF]);
            else output.Append(rune.ToString());
        }
        output.Append('"');
    }

    public static void RequireUnicode(string value) => _ = Runes(value).Count();

    /// <summary>The code points of a string; a lone surrogate has no UTF-8 form, so I-JSON (and so JCS) refuses it.</summary>
    private static IEnumerable<Rune> Runes(string value)
    {
        for (var i = 0; i < value.Length;)
        {
            if (Rune.DecodeFromUtf16(value.AsSpan(i), out var rune, out var used) != System.Buffers.OperationStatus.Done)
            {
                throw new FormatException($"The string holds a lone surrogate at position {i}.");
            }
            yield return rune;
            i += used;
        }
    }
}
