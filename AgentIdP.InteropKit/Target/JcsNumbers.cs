using System.Globalization;
using System.Text;

namespace AgentIdP.InteropKit.Target;

/// <summary>
/// RFC 8785 §3.2.2.3 numbers: ECMAScript's Number::toString for a double. The shortest digit string that reads back
/// as the same double comes from .NET's round-trip formatting; where the decimal point goes follows ECMA-262 §6.1.6.1.20.
/// </summary>
internal static class JcsNumbers
{
    public static string Format(double value)
    {
        if (double.IsNaN(value) || double.IsInfinity(value)) throw new FormatException("NaN and Infinity have no JSON form.");
        if (value == 0) return "0"; // ECMAScript prints -0 as "0" too.

        var (digits, n) = ShortestDigits(Math.Abs(value));
        var k = digits.Length;
        var text = new StringBuilder(k + 8);
        if (value < 0) text.Append('-');

        if (k <= n && n <= 21)
        {
            text.Append(digits).Append('0', n - k); // an integer: digits then zeros
        }
        else if (0 < n && n <= 21)
        {
            text.Append(digits.AsSpan(0, n)).Append('.').Append(digits.AsSpan(n)); // point inside the digits
        }
        else if (-6 < n && n <= 0)
        {
            text.Append("0.").Append('0', -n).Append(digits); // a small fraction: leading zeros
        }
        else
        {
            text.Append(digits[0]);
            if (k > 1) text.Append('.').Append(digits.AsSpan(1));
            var exponent = n - 1;
            text.Append('e').Append(exponent < 0 ? '-' : '+').Append(Math.Abs(exponent).ToString(CultureInfo.InvariantCulture));
        }
        return text.ToString();
    }

    /// <summary>Digits s (no leading or trailing zeros) and n such that the value is 0.s × 10^n, as ECMA-262 defines them.</summary>
    private static (string Digits, int N) ShortestDigits(double positive)
    {
        // "E16" is not shortest; "R" is (since .NET Core 3.0). Its exponent form is normalised by reading it apart here.
        var r = positive.ToString("R", CultureInfo.InvariantCulture);
        var exponent = 0;
        var e = r.IndexOf('E');
        if (e >= 0)
        {
            exponent = int.Parse(r.AsSpan(e + 1), NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture);
            r = r[..e];
        }
        var point = r.IndexOf('.');
        var whole = point < 0 ? r : r[..point];
        var fraction = point < 0 ? "" : r[(point + 1)..];
        var all = whole + fraction;
        var leading = all.Length - all.TrimStart('0').Length;
        var digits = all.Trim('0');
        return (digits, whole.Length - leading + exponent);
    }
}
