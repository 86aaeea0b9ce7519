namespace AgentIdP.InteropKit.Running;

public enum Outcome
{
    Passed,
    Failed,
    Skipped,
}

/// <param name="Message">Why it failed or was skipped; null when it passed.</param>
public sealed record ScenarioResult(KitScenario Scenario, Outcome Outcome, string? Message, TimeSpan Duration);
