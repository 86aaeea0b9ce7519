using AgentIdP.InteropKit.Running;

namespace AgentIdP.InteropKit.Tests.AgainstAgentIdP;

/// <summary>
/// The kit as xunit tests: one case per scenario, run against AgentIdP's own API. AgentIdP declares everything the
/// profile describes (compliance features, introspection, revocation, enforced tier limits), so every scenario,
/// MUST, SHOULD and MAY alike, is expected to run and pass: none may be skipped.
/// </summary>
[Collection(AgentIdPCollection.Name)]
public sealed class ScenarioTests(AgentIdPTarget target)
{
    public static TheoryData<string> Scenarios => [.. FeatureCatalog.Default.Scenarios.Select(s => s.Key)];

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Scenario_passes_against_AgentIdPs_own_API(string scenario)
    {
        var result = await target.RunScenarioAsync(await target.ScenarioTenant, scenario);

        Assert.True(result.Outcome == Outcome.Passed, $"{result.Outcome}: {result.Message}");
    }
}
