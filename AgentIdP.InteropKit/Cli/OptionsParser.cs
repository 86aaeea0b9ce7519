using AgentIdP.InteropKit.Running;

namespace AgentIdP.InteropKit.Cli;

/// <summary>Command-line options, each with an environment variable for CI; the command line wins.</summary>
public static class OptionsParser
{
    public const string DefaultOutDir = "interop-out";

    private static readonly (string Option, string Variable, string Help)[] Known =
    [
        ("--base-url", "AGENTIDP_KIT_BASE_URL", "The deployment's issuer URL, e.g. https://idp.example.com (required)."),
        ("--client-id", "AGENTIDP_KIT_CLIENT_ID", "A tenant-admin client id (scope tenant:admin) (required)."),
        ("--client-secret", "AGENTIDP_KIT_CLIENT_SECRET", "Its client secret (required; prefer the variable, it stays out of process lists)."),
        ("--agent-card-url", "AGENTIDP_KIT_AGENT_CARD_URL", "Check this one agent card instead of the cards of the tenant's agents."),
        ("--level", "AGENTIDP_KIT_LEVEL", "must | should | may: the lowest level to run (default may: everything)."),
        ("--tags", "AGENTIDP_KIT_TAGS", "A Cucumber tag expression, e.g. \"@MUST and not @burst\" or \"@req:AGT-CARD-001\"."),
        ("--out", "AGENTIDP_KIT_OUT", $"Directory for report.json, junit.xml, report.html and Reqnroll's report (default ./{DefaultOutDir})."),
    ];

    public static string Help => $"""
        AgentIdP interoperability kit: checks an AgentIdP deployment against the AgentIdP profile v1
        (A2A AgentCard 1.0, OASF 1.0.0, AGNTCY Identity v1alpha1) and standard OAuth 2.0 behaviour.

        Usage:
          dotnet run --project AgentIdP.InteropKit -- --base-url URL --client-id ID --client-secret SECRET
              [--agent-card-url URL] [--level must|should|may] [--tags EXPR] [--out DIR]

        Options (each can also be set through the environment variable beside it):
        {string.Join(Environment.NewLine, Known.Select(k => $"  {k.Option,-17} {k.Variable,-28} {k.Help}"))}
          --help, -h                                     Show this help.

        The kit only reads from the deployment, except: it requests, introspects and revokes its own access tokens,
        sends a few deliberately bad token requests, and (scenarios tagged @burst) sends a short burst of requests to
        provoke a rate limit; exclude those with --tags "not @burst".

        Exit codes: 0 every MUST requirement passed; 1 a MUST requirement failed; 2 bad usage or unreachable target.
        """;

    /// <returns>Options, or an error message for the user, or neither when help was asked for.</returns>
    public static (KitOptions? Options, string? Error) Parse(IReadOnlyList<string> args, Func<string, string?> environment)
    {
        var values = Known.ToDictionary(k => k.Option, k => environment(k.Variable) is { Length: > 0 } v ? v : null);
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg is "--help" or "-h" or "-?") return (null, null);
            var (name, inline) = arg.Split('=', 2) is [var n, var v] && n.StartsWith("--", StringComparison.Ordinal) ? (n, v) : (arg, null);
            if (!values.ContainsKey(name)) return (null, $"unknown option '{arg}'. Run with --help for usage.");
            var value = inline ?? (i + 1 < args.Count ? args[++i] : null);
            if (string.IsNullOrEmpty(value)) return (null, $"{name} needs a value.");
            values[name] = value;
        }

        if (values["--base-url"] is not { } baseText) return (null, "--base-url is required (or set AGENTIDP_KIT_BASE_URL). Run with --help for usage.");
        if (!TryHttpUrl(baseText, out var baseUrl)) return (null, $"--base-url must be an absolute http(s) URL (got '{baseText}').");
        if (values["--client-id"] is not { } clientId) return (null, "--client-id is required (or set AGENTIDP_KIT_CLIENT_ID).");
        if (values["--client-secret"] is not { } secret) return (null, "--client-secret is required (or set AGENTIDP_KIT_CLIENT_SECRET).");
        Uri? cardUrl = null;
        if (values["--agent-card-url"] is { } cardText && !TryHttpUrl(cardText, out cardUrl, allowQuery: true))
        {
            return (null, $"--agent-card-url must be an absolute http(s) URL (got '{cardText}').");
        }
        var level = RequirementLevel.May;
        if (values["--level"] is { } levelText && !RequirementLevels.TryParse(levelText, out level))
        {
            return (null, $"--level must be must, should or may (got '{levelText}').");
        }
        try
        {
            TagExpression.Parse(values["--tags"]);
        }
        catch (FormatException e)
        {
            return (null, $"--tags: {e.Message}");
        }
        return (new KitOptions
        {
            BaseUrl = baseUrl!, ClientId = clientId, ClientSecret = secret, AgentCardUrl = cardUrl, Level = level,
            Tags = values["--tags"], OutDir = values["--out"] ?? DefaultOutDir,
        }, null);
    }

    private static bool TryHttpUrl(string text, out Uri? url, bool allowQuery = false) =>
        Uri.TryCreate(text, UriKind.Absolute, out url) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp)
        && (allowQuery || (string.IsNullOrEmpty(url.Query) && string.IsNullOrEmpty(url.Fragment)));
}
