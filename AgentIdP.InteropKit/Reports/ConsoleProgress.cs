using AgentIdP.InteropKit.Running;

namespace AgentIdP.InteropKit.Reports;

/// <summary>The console as the run goes: a line per scenario under its feature, the reason under each failure or skip, then the summary.</summary>
public sealed class ConsoleProgress(TextWriter output) : IProgress<ScenarioResult>
{
    public const string SummaryPrefix = "Summary: ";
    public const string ResultPrefix = "Result: ";
    private KitFeature? _feature;

    public void Header(KitOptions options, int scenarios)
    {
        output.WriteLine($"AgentIdP interoperability kit: {Profile.Name} (A2A {Profile.A2A}, OASF {Profile.Oasf}, AGNTCY Identity {Profile.AgntcyIdentity})");
        output.WriteLine($"Target {options.BaseUrl}  level: {options.Level.Tag()}  tags: {options.Tags ?? "(all)"}  scenarios: {scenarios}");
        if (options.AgentCardUrl is { } card) output.WriteLine($"Agent card {card}");
    }

    public void Report(ScenarioResult value)
    {
        if (value.Scenario.Feature != _feature)
        {
            _feature = value.Scenario.Feature;
            output.WriteLine();
            output.WriteLine(_feature.Title);
        }
        var word = value.Outcome switch { Outcome.Passed => "PASS", Outcome.Failed => "FAIL", _ => "SKIP" };
        output.WriteLine($"  {word}  {value.Scenario.Level?.Tag(),-6}  {string.Join(" ", value.Scenario.Requirements),-14} {value.Scenario.Name}  ({value.Duration.TotalMilliseconds:0} ms)");
        if (value.Message is not null) output.WriteLine($"        {value.Message}");
        output.Flush();
    }

    public void Summary(KitReport report, IEnumerable<string> files)
    {
        output.WriteLine();
        output.WriteLine($"{SummaryPrefix}{Counts(report.Results.Count, report.Count(Outcome.Passed), report.Count(Outcome.Failed), report.Count(Outcome.Skipped))}");
        foreach (var level in RequirementLevels.All.Where(l => l <= report.Options.Level))
        {
            var total = report.Results.Count(r => r.Scenario.Level == level);
            output.WriteLine($"  {level.Tag(),-7}{Counts(total, report.Count(level, Outcome.Passed), report.Count(level, Outcome.Failed), report.Count(level, Outcome.Skipped))}");
        }
        var failed = report.Requirements.Where(r => r.Outcome == Outcome.Failed).Select(r => $"{r.Id} ({r.Level.Tag()})").ToList();
        if (failed.Count > 0) output.WriteLine($"Failed requirements: {string.Join(", ", failed)}");
        output.WriteLine($"{ResultPrefix}{report.Level.Name()} ({report.Level.Explain()})");
        var written = files.ToList();
        if (written.Count > 0) output.WriteLine($"Reports: {string.Join(", ", written)}");
        output.Flush();
    }

    private static string Counts(int total, int passed, int failed, int skipped) =>
        $"{total} scenarios: {passed} passed, {failed} failed, {skipped} skipped";
}
