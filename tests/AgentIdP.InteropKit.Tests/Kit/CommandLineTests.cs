using AgentIdP.InteropKit.Cli;
using AgentIdP.InteropKit.Running;
using AgentIdP.TestSupport;

namespace AgentIdP.InteropKit.Tests.Kit;

public sealed class CommandLineTests
{
    private static async Task<(int Exit, string Output, string Error)> RunAsync(string[] args, Dictionary<string, string>? environment = null)
    {
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await KitCommand.RunAsync(args, output, error, name => environment?.GetValueOrDefault(name));
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task Help_explains_every_option_and_its_environment_variable()
    {
        var (exit, output, _) = await RunAsync(["--help"]);

        Assert.Equal(0, exit);
        foreach (var text in new[] { "--base-url", "--client-id", "--client-secret", "--agent-card-url", "--level", "--tags", "--out",
                     "AGENTIDP_KIT_BASE_URL", "AGENTIDP_KIT_CLIENT_SECRET", "Exit codes" })
        {
            Assert.Contains(text, output);
        }
    }

    [Fact]
    public async Task A_missing_base_url_is_a_one_line_error_and_exit_code_2()
    {
        var (exit, output, error) = await RunAsync(["--client-id", "a", "--client-secret", "b"]);

        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.Equal("error: --base-url is required (or set AGENTIDP_KIT_BASE_URL). Run with --help for usage.", error.Trim());
    }

    [Fact]
    public async Task An_unreachable_base_url_is_a_one_line_error_and_exit_code_2()
    {
        var url = $"http://127.0.0.1:{ServerProcess.FreePort()}";

        var (exit, output, error) = await RunAsync(["--base-url", url, "--client-id", "a", "--client-secret", "b"]);

        Assert.Equal(2, exit);
        Assert.Empty(output);
        Assert.Single(error.Trim().Split('\n'));
        Assert.StartsWith($"error: cannot reach {url}/", error);
        Assert.DoesNotContain(" at ", error);
    }

    [Theory]
    [InlineData("--level", "sometimes", "--level must be must, should or may")]
    [InlineData("--tags", "@MUST and", "--tags: the tag expression ends too early")]
    [InlineData("--base-url", "ftp://idp.example.com", "--base-url must be an absolute http(s) URL")]
    [InlineData("--colour", "blue", "unknown option '--colour'")]
    public async Task Bad_options_are_named_in_the_error(string option, string value, string message)
    {
        var args = new Dictionary<string, string> { ["--base-url"] = "https://idp.example.com", ["--client-id"] = "a", ["--client-secret"] = "b", [option] = value };

        var (exit, _, error) = await RunAsync([.. args.SelectMany(a => new[] { a.Key, a.Value })]);

        Assert.Equal(2, exit);
        Assert.Contains(message, error);
    }

    [Fact]
    public void Environment_variables_configure_a_run_and_the_command_line_wins()
    {
        var environment = new Dictionary<string, string>
        {
            ["AGENTIDP_KIT_BASE_URL"] = "https://idp.example.com", ["AGENTIDP_KIT_CLIENT_ID"] = "ci-client",
            ["AGENTIDP_KIT_CLIENT_SECRET"] = "ci-secret", ["AGENTIDP_KIT_LEVEL"] = "should", ["AGENTIDP_KIT_TAGS"] = "not @burst",
            ["AGENTIDP_KIT_AGENT_CARD_URL"] = "https://agents.example.com/.well-known/agent-card.json", ["AGENTIDP_KIT_OUT"] = "ci-out",
        };

        var (options, error) = OptionsParser.Parse(["--level", "must"], environment.GetValueOrDefault);

        Assert.Null(error);
        Assert.Equal(new Uri("https://idp.example.com"), options!.BaseUrl);
        Assert.Equal("ci-client", options.ClientId);
        Assert.Equal("ci-secret", options.ClientSecret);
        Assert.Equal(RequirementLevel.Must, options.Level);
        Assert.Equal("not @burst", options.Tags);
        Assert.Equal("ci-out", options.OutDir);
        Assert.Equal(new Uri("https://agents.example.com/.well-known/agent-card.json"), options.AgentCardUrl);
    }
}
