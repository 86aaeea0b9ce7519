using AgentIdP.InteropKit.Target;

namespace AgentIdP.InteropKit.Features;

/// <summary>What the steps of one scenario share: the last answer from the target. Reqnroll makes one per scenario.</summary>
public sealed class ScenarioState
{
    private Answer? _answer;

    public Answer Answer
    {
        get => _answer ?? throw new InvalidOperationException("No request has been made in this scenario yet.");
        set => _answer = value;
    }
}

/// <summary>Turns "a, b and c" in step text into its items.</summary>
public static class StepText
{
    public static string[] List(string text) =>
        text.Replace(" and ", ",", StringComparison.Ordinal).Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
}
