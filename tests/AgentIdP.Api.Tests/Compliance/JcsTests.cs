using System.Text;
using AgentIdP.Api.Compliance;

namespace AgentIdP.Api.Tests.Compliance;

/// <summary>RFC 8785 (JSON Canonicalization Scheme) against the RFC's own examples.</summary>
public sealed class JcsTests
{
    private static string Canonical(string json) => Encoding.UTF8.GetString(Jcs.Canonicalize(json));

    [Fact]
    public void The_rfc_example_of_section_3_2_2_canonicalizes_to_the_rfc_output()
    {
        const string input = """
            {
              "numbers": [333333333.33333329, 1E30, 4.50,
                          2e-3, 0.000000000000000000000000001],
              "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
              "literals": [null, true, false]
            }
            """;

        Assert.Equal("""{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}""",
            Canonical(input));
    }

    [Fact]
    public void Members_are_sorted_by_utf16_code_units_as_in_section_3_2_3()
    {
        const string input = """
            {
              "\u20ac": "Euro Sign",
              "\r": "Carriage Return",
              "\ufb33": "Hebrew Letter Dalet With Dagesh",
              "1": "One",
              "\ud83d\ude00": "Emoji: Grinning Face",
              "\u0080": "Control",
              "\u00f6": "Latin Small Letter O With Diaeresis"
            }
            """;

        Assert.Equal(
            "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\",\"\u00f6\":\"Latin Small Letter O With Diaeresis\"," +
            "\"\u20ac\":\"Euro Sign\",\"\ud83d\ude00\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}",
            Canonical(input));
    }

    [Fact]
    public void Nested_objects_are_sorted_and_whitespace_is_dropped()
    {
        Assert.Equal("""{"a":{"x":[1,{"b":2,"c":3}],"y":"z"},"b":[]}""", Canonical("""{ "b" : [ ], "a" : { "y" : "z", "x" : [ 1, { "c": 3, "b": 2 } ] } }"""));
    }

    // RFC 8785 appendix B: IEEE 754 double (as hex bits) → ECMAScript number serialization.
    [Theory]
    [InlineData("0000000000000000", "0")]
    [InlineData("8000000000000000", "0")]
    [InlineData("0000000000000001", "5e-324")]
    [InlineData("8000000000000001", "-5e-324")]
    [InlineData("7fefffffffffffff", "1.7976931348623157e+308")]
    [InlineData("ffefffffffffffff", "-1.7976931348623157e+308")]
    [InlineData("4340000000000000", "9007199254740992")]
    [InlineData("c340000000000000", "-9007199254740992")]
    [InlineData("4430000000000000", "295147905179352830000")]
    [InlineData("44b52d02c7e14af5", "9.999999999999997e+22")]
    [InlineData("44b52d02c7e14af6", "1e+23")]
    [InlineData("44b52d02c7e14af7", "1.0000000000000001e+23")]
    [InlineData("444b1ae4d6e2ef4e", "999999999999999700000")]
    [InlineData("444b1ae4d6e2ef4f", "999999999999999900000")]
    [InlineData("444b1ae4d6e2ef50", "1e+21")]
    [InlineData("3eb0c6f7a0b5ed8c", "9.999999999999997e-7")]
    [InlineData("3eb0c6f7a0b5ed8d", "0.000001")]
    [InlineData("41b3de4355555553", "333333333.3333332")]
    [InlineData("41b3de4355555554", "333333333.33333325")]
    [InlineData("41b3de4355555555", "333333333.3333333")]
    [InlineData("41b3de4355555556", "333333333.3333334")]
    [InlineData("41b3de4355555557", "333333333.33333343")]
    [InlineData("becbf647612f3696", "-0.0000033333333333333333")]
    [InlineData("43143ff3c1cb0959", "1424953923781206.2")]
    public void Numbers_serialize_as_in_appendix_b(string bits, string expected)
    {
        var value = BitConverter.Int64BitsToDouble(Convert.ToInt64(bits, 16));

        Assert.Equal(expected, Jcs.Number(value));
    }

    [Theory]
    [InlineData("7fffffffffffffff")]
    [InlineData("7ff0000000000000")]
    public void NaN_and_infinity_are_refused_as_in_appendix_b(string bits)
    {
        Assert.Throws<FormatException>(() => Jcs.Number(BitConverter.Int64BitsToDouble(Convert.ToInt64(bits, 16))));
    }

    [Fact]
    public void Control_characters_use_short_escapes_where_json_has_them_and_lowercase_hex_otherwise()
    {
        Assert.Equal("\"\\b\\t\\n\\f\\r\\u0000\\u001f \\\"\\\\/\u007f\u2028\"", Canonical("\"\\b\\t\\n\\f\\r\\u0000\\u001F \\\"\\\\\\/\\u007f\\u2028\""));
    }

    [Fact]
    public void A_lone_surrogate_is_refused()
    {
        Assert.Throws<FormatException>(() => Canonical("\"\\ud800\""));
    }

    [Fact]
    public void Integers_written_in_exponent_form_come_out_in_plain_form()
    {
        Assert.Equal("[100,-1,100000000000000000000,1e+21,0.1]", Canonical("[1E2, -1.0, 1e20, 1e21, 1e-1]"));
    }
}
