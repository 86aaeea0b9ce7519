namespace AgentIdP.InteropKit.Running;

/// <summary>
/// Cucumber tag expressions (<c>@MUST and not @burst</c>, <c>@req:AGT-CARD-001 or (@SHOULD and @cards)</c>):
/// <c>not</c> binds tightest, then <c>and</c>, then <c>or</c>; parentheses group.
/// </summary>
public sealed class TagExpression
{
    private readonly Func<ISet<string>, bool> _matches;

    private TagExpression(Func<ISet<string>, bool> matches) => _matches = matches;

    public static readonly TagExpression Any = new(_ => true);

    /// <summary>Tags without their leading <c>@</c>.</summary>
    public bool Matches(IEnumerable<string> tags) => _matches(new HashSet<string>(tags, StringComparer.Ordinal));

    /// <exception cref="FormatException">The expression does not parse; the message says where.</exception>
    public static TagExpression Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text)) return Any;
        var tokens = Tokenize(text);
        var position = 0;
        var expression = Or(tokens, ref position);
        if (position != tokens.Count) throw new FormatException($"unexpected '{tokens[position]}' in the tag expression '{text}'.");
        return new TagExpression(expression);
    }

    private static Func<ISet<string>, bool> Or(List<string> tokens, ref int position)
    {
        var left = And(tokens, ref position);
        while (position < tokens.Count && tokens[position] == "or")
        {
            position++;
            var (l, r) = (left, And(tokens, ref position));
            left = tags => l(tags) || r(tags);
        }
        return left;
    }

    private static Func<ISet<string>, bool> And(List<string> tokens, ref int position)
    {
        var left = Not(tokens, ref position);
        while (position < tokens.Count && tokens[position] == "and")
        {
            position++;
            var (l, r) = (left, Not(tokens, ref position));
            left = tags => l(tags) && r(tags);
        }
        return left;
    }

    private static Func<ISet<string>, bool> Not(List<string> tokens, ref int position)
    {
        if (position >= tokens.Count) throw new FormatException("the tag expression ends too early.");
        var token = tokens[position++];
        switch (token)
        {
            case "not":
                var operand = Not(tokens, ref position);
                return tags => !operand(tags);
            case "(":
                var inner = Or(tokens, ref position);
                if (position >= tokens.Count || tokens[position] != ")") throw new FormatException("a '(' in the tag expression is not closed.");
                position++;
                return inner;
            default:
                if (!token.StartsWith('@') || token.Length == 1) throw new FormatException($"'{token}' is not a tag; tags start with '@'.");
                var tag = token[1..];
                return tags => tags.Contains(tag);
        }
    }

    private static List<string> Tokenize(string text)
    {
        var tokens = new List<string>();
        var current = new System.Text.StringBuilder();
        void Flush()
        {
            if (current.Length > 0) tokens.Add(current.ToString());
            current.Clear();
        }
        foreach (var c in text)
        {
            if (char.IsWhiteSpace(c)) Flush();
            else if (c is '(' or ')')
            {
                Flush();
                tokens.Add(c.ToString());
            }
            else current.Append(c);
        }
        Flush();
        return tokens;
    }
}
