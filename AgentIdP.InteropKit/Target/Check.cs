namespace AgentIdP.InteropKit.Target;

/// <summary>A requirement the target does not meet; the message is what partners read in the reports.</summary>
public sealed class CheckFailed(string message) : Exception(message)
{
    // Reports (Reqnroll's too) show the finding and the step it failed in; the kit's own call stack adds nothing.
    public override string? StackTrace => null;
}

public static class Check
{
    public static void That(bool condition, string whenFalse)
    {
        if (!condition) throw new CheckFailed(whenFalse);
    }

    /// <summary>Fails with every problem found, so one run shows them all (e.g. every agent whose card is wrong).</summary>
    public static void NoProblems(IReadOnlyCollection<string> problems, string about)
    {
        if (problems.Count == 0) return;
        const int Shown = 8;
        var listed = string.Join("; ", problems.Take(Shown)) + (problems.Count > Shown ? $"; and {problems.Count - Shown} more" : "");
        throw new CheckFailed($"{about}: {listed}");
    }

    public static Exception Fail(string message) => new CheckFailed(message);

    public static Running.ScenarioSkipped Skip(string reason) => new(reason);
}
