using System.Text;
using System.Text.Json.Nodes;
using AgentIdP.InteropKit.Target;

namespace AgentIdP.InteropKit.Tests.Kit;

/// <summary>The kit's own RFC 8785 canonicalizer against the examples the RFC publishes.</summary>
public sealed class JcsTests
{
    private static string Canonical(string json) => Encoding.UTF8.GetString(Jcs.Canonicalize(json));

    [Fact]
    public void The_RFC_sample_object_of_section_3_2_2_canonicalizes_to_the_published_bytes()
    {
        const string input = """
            {
              "numbers": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],
              "string": "\u20ac$\u000F\u000aA'\u0042\u0022\u005c\\\"\/",
              "literals": [null, true, false]
            }
            """;
        const string expected = """{"literals":[null,true,false],"numbers":[333333333.3333333,1e+30,4.5,0.002,1e-27],"string":"€$\u000f\nA'B\"\\\\\"/"}""";

        Assert.Equal(expected, Canonical(input));
    }

    [Fact]
    public void Members_sort_by_UTF16_code_units_as_in_section_3_2_3()
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
        var expected = "{\"\\r\":\"Carriage Return\",\"1\":\"One\",\"\u0080\":\"Control\",\"ö\":\"Latin Small Letter O With Diaeresis\","
                       + "\"€\":\"Euro Sign\",\"😀\":\"Emoji: Grinning Face\",\"\ufb33\":\"Hebrew Letter Dalet With Dagesh\"}";

        Assert.Equal(expected, Canonical(input));
    }

    // RFC 8785 Appendix B: IEEE 754 bit patterns and their ECMAScript form.
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
    public void Appendix_B_numbers_serialize_as_ECMAScript_does(string bits, string expected)
    {
        var value = BitConverter.Int64BitsToDouble(Convert.ToInt64(bits, 16));

        Assert.Equal(expected, JcsNumbers.Format(value));
        Assert.Equal($"[{expected}]", Canonical($"[{value:R}]"));
    }

    [Theory]
    [InlineData("1e21", "1e+21")]
    [InlineData("1E+21", "1e+21")]
    [InlineData("-0", "0")]
    [InlineData("-0.0", "0")]
    [InlineData("0.000001", "0.000001")]
    [InlineData("1e-7", "1e-7")]
    [InlineData("100", "100")]
    [InlineData("1e20", "100000000000000000000")]
    [InlineData("123456789012345680000", "123456789012345680000")]
    public void Number_literals_take_their_shortest_ECMAScript_form(string literal, string expected)
    {
        Assert.Equal(expected, Canonical(literal));
    }

    [Theory]
    [InlineData("7fffffffffffffff")]
    [InlineData("7ff0000000000000")]
    [InlineData("fff0000000000000")]
    public void NaN_and_Infinity_are_refused(string bits)
    {
        Assert.Throws<FormatException>(() => JcsNumbers.Format(BitConverter.Int64BitsToDouble(Convert.ToInt64(bits, 16))));
    }

    [Fact]
    public void A_literal_beyond_double_range_is_refused_not_written_as_infinity()
    {
        Assert.Throws<FormatException>(() => Canonical("[1e400]"));
    }

    [Fact]
    public void Only_quote_backslash_and_control_characters_are_escaped()
    {
        Assert.Equal("\"\\u001f\\b\\t\\n\\f\\r<>&'/\u2028é😀\"", Canonical("\"\\u001F\\b\\t\\n\\f\\r<>&'\\/\\u2028\\u00e9\\ud83d\\ude00\""));
    }

    [Fact]
    public void A_lone_surrogate_is_refused()
    {
        Assert.Throws<FormatException>(() => Jcs.Canonicalize(new JsonObject { ["bad"] = "x\ud800y" }));
        Assert.Throws<FormatException>(() => Canonical("[\"\\udc00\"]"));
    }

    [Fact]
    public void A_duplicate_member_name_is_refused()
    {
        Assert.Throws<FormatException>(() => Canonical("""{"a":1,"a":2}"""));
    }

    [Fact]
    public void A_node_tree_canonicalizes_like_its_text()
    {
        var node = new JsonObject { ["b"] = new JsonArray(1.5, "x", null, true), ["a"] = new JsonObject { ["z"] = 0.1, ["y"] = -0.0 } };

        Assert.Equal("""{"a":{"y":0,"z":0.1},"b":[1.5,"x",null,true]}""", Encoding.UTF8.GetString(Jcs.Canonicalize(node)));
    }
}
