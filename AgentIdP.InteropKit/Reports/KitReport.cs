using AgentIdP.InteropKit.Running;

namespace AgentIdP.InteropKit.Reports;

/// <summary>The result levels of the profile, from worst to best.</summary>
public enum ResultLevel
{
    /// <summary>A MUST requirement failed.</summary>
    NonCompliant,

    /// <summary>Every MUST requirement passed.</summary>
    Mandatory,

    /// <summary>Every MUST and SHOULD requirement passed.</summary>
    Recommended,

    /// <summary>Everything the target declares passed, MAY included.</summary>
    Full,
}

public sealed record RequirementResult(string Id, RequirementLevel Level, Outcome Outcome, IReadOnlyList<ScenarioResult> Scenarios);

/// <summary>One kit run: every scenario result, and what follows from them.</summary>
public sealed record KitReport(KitOptions Options, IReadOnlyList<ScenarioResult> Results, DateTimeOffset StartedAt, DateTimeOffset FinishedAt)
{
    public const int ExitPassed = 0;
    public const int ExitMustFailed = 1;
    public const int ExitUsage = 2;

    public int Count(Outcome outcome) => Results.Count(r => r.Outcome == outcome);

    public int Count(RequirementLevel level, Outcome outcome) => Results.Count(r => r.Scenario.Level == level && r.Outcome == outcome);

    private bool Failed(RequirementLevel level) => Count(level, Outcome.Failed) > 0;

    /// <summary>
    /// MUST failures make a target non-compliant; SHOULD failures cap it at MANDATORY, MAY failures at RECOMMENDED.
    /// Skipped scenarios (a capability the target does not declare) count against nothing. A run limited with
    /// --level cannot claim the levels it did not check.
    /// </summary>
    public ResultLevel Level =>
        Failed(RequirementLevel.Must) ? ResultLevel.NonCompliant
        : Failed(RequirementLevel.Should) || Options.Level < RequirementLevel.Should ? ResultLevel.Mandatory
        : Failed(RequirementLevel.May) || Options.Level < RequirementLevel.May ? ResultLevel.Recommended
        : ResultLevel.Full;

    public int ExitCode => Failed(RequirementLevel.Must) ? ExitMustFailed : ExitPassed;

    /// <summary>Results per requirement id: failed when any of its scenarios failed, passed when one passed and none failed.</summary>
    public IReadOnlyList<RequirementResult> Requirements => [.. Results
        .SelectMany(r => r.Scenario.Requirements.Select(id => (Id: id, Result: r)))
        .GroupBy(x => x.Id, x => x.Result)
        .Select(g => new RequirementResult(g.Key, g.Min(r => r.Scenario.Level!.Value),
            g.Any(r => r.Outcome == Outcome.Failed) ? Outcome.Failed : g.Any(r => r.Outcome == Outcome.Passed) ? Outcome.Passed : Outcome.Skipped,
            [.. g]))
        .OrderBy(r => r.Level).ThenBy(r => r.Id, StringComparer.Ordinal)];
}

public static class ResultLevels
{
    /// <summary>The name reports use: NON_COMPLIANT, MANDATORY, RECOMMENDED, FULL.</summary>
    public static string Name(this ResultLevel level) => level switch
    {
        ResultLevel.NonCompliant => "NON_COMPLIANT",
        ResultLevel.Mandatory => "MANDATORY",
        ResultLevel.Recommended => "RECOMMENDED",
        _ => "FULL",
    };

    public static string Explain(this ResultLevel level) => level switch
    {
        ResultLevel.NonCompliant => "a MUST requirement failed",
        ResultLevel.Mandatory => "every MUST requirement passed",
        ResultLevel.Recommended => "every MUST and SHOULD requirement passed",
        _ => "every requirement the target declares passed",
    };
}
