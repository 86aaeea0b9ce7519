using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AgentIdP.InteropKit.Cli;
using AgentIdP.InteropKit.Reports;
using AgentIdP.TestSupport;

namespace AgentIdP.InteropKit.Tests;

/// <summary>One run of the kit's command line in this process: exit code, console, and the report directory.</summary>
public sealed partial record KitRun(int ExitCode, string Output, string Error, string OutDir)
{
    public static async Task<KitRun> StartAsync(params string[] args)
    {
        var outDir = TestTempDirs.Create("kit"); // removed with the test process's other temporary directories
        using var output = new StringWriter();
        using var error = new StringWriter();
        var exit = await KitCommand.RunAsync([.. args, "--out", outDir], output, error, _ => null);
        return new KitRun(exit, output.ToString(), error.ToString(), outDir);
    }

    public JsonObject JsonReport => JsonNode.Parse(System.IO.File.ReadAllText(Path.Combine(OutDir, Reports.JsonReport.FileName)))!.AsObject();

    public string File(string name) => Path.Combine(OutDir, name);

    /// <summary>The requirement ids the JSON report says failed.</summary>
    public IReadOnlySet<string> FailedRequirements => JsonReport["requirements"]!.AsArray()
        .Where(r => r!["outcome"]!.GetValue<string>() == "failed").Select(r => r!["id"]!.GetValue<string>()).ToHashSet();

    /// <summary>The console's summary line: total, passed, failed, skipped.</summary>
    public (int Total, int Passed, int Failed, int Skipped) Summary()
    {
        var match = SummaryLine().Match(Output);
        Assert.True(match.Success, $"no summary line in:\n{Output}");
        return (Number(1), Number(2), Number(3), Number(4));
        int Number(int group) => int.Parse(match.Groups[group].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    [GeneratedRegex($@"^{ConsoleProgress.SummaryPrefix}(\d+) scenarios: (\d+) passed, (\d+) failed, (\d+) skipped", RegexOptions.Multiline)]
    private static partial Regex SummaryLine();
}
