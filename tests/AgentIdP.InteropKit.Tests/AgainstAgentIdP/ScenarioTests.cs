using AgentIdP.InteropKit.Running;

namespace AgentIdP.InteropKit.Tests.AgainstAgentIdP;

/// <summary>The kit as xunit tests: one case per scenario, run against AgentIdP's own API.</summary>
[Collection(AgentIdPCollection.Name)]
public sealed class ScenarioTests(AgentIdPTarget target)
{
    /// <summary>Features whose endpoints come with the compliance work (cards, OASF records, the report).</summary>
    private static readonly string[] ComplianceFeatures = ["cards", "records", "compliance"];

    public static TheoryData<string> Scenarios => [.. FeatureCatalog.Default.Scenarios.Select(s => s.Key)];

    [Theory]
    [MemberData(nameof(Scenarios))]
    public async Task Scenario_holds_against_AgentIdPs_own_API(string scenario)
    {
        var result = await target.RunScenarioAsync(await target.ScenarioTenant, scenario);

        Assert.True(result.Outcome != Outcome.Failed, result.Message);
        var awaitingCompliance = !target.ComplianceDeployed && result.Scenario.Feature.Info.Tags.Any(ComplianceFeatures.Contains);
        if (result.Scenario.Level == RequirementLevel.Must && !awaitingCompliance)
        {
            Assert.True(result.Outcome == Outcome.Passed, $"a MUST scenario was skipped: {result.Message}");
        }
    }
}
