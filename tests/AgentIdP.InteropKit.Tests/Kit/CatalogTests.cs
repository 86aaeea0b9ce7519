using AgentIdP.InteropKit.Running;

namespace AgentIdP.InteropKit.Tests.Kit;

public sealed class CatalogTests
{
    private static readonly IReadOnlyList<KitScenario> Scenarios = [.. FeatureCatalog.Default.Scenarios];

    [Fact]
    public void Every_scenario_carries_exactly_one_level_and_at_least_one_requirement_id()
    {
        Assert.NotEmpty(Scenarios);
        foreach (var scenario in Scenarios)
        {
            Assert.True(scenario.Tags.Count(t => t is "MUST" or "SHOULD" or "MAY") == 1, $"{scenario.Key} needs one of @MUST, @SHOULD, @MAY");
            Assert.True(scenario.Requirements.Count > 0, $"{scenario.Key} has no @req:<ID> tag");
            Assert.All(scenario.Requirements, id => Assert.Matches("^(AGT|PLT)-[A-Z]+-[0-9]{3}$", id));
        }
    }

    [Fact]
    public void Scenario_keys_are_unique_so_each_is_its_own_test_case()
    {
        Assert.Equal(Scenarios.Count, Scenarios.Select(s => s.Key).Distinct().Count());
    }

    [Fact]
    public void A_requirement_has_the_same_level_in_every_scenario()
    {
        foreach (var requirement in Scenarios.SelectMany(s => s.Requirements.Select(id => (id, s.Level))).GroupBy(x => x.id))
        {
            Assert.Single(requirement.Select(x => x.Level).Distinct());
        }
    }

    [Fact]
    public void The_level_option_runs_its_level_and_the_ones_above_it()
    {
        var options = new KitOptions { BaseUrl = new Uri("https://idp.example.com"), ClientId = "a", ClientSecret = "b" };

        Assert.All(KitRunner.Select(FeatureCatalog.Default, options with { Level = RequirementLevel.Must }), s => Assert.Equal(RequirementLevel.Must, s.Level));
        Assert.DoesNotContain(KitRunner.Select(FeatureCatalog.Default, options with { Level = RequirementLevel.Should }), s => s.Level == RequirementLevel.May);
        Assert.Equal(Scenarios.Count, KitRunner.Select(FeatureCatalog.Default, options).Count);
        Assert.All(KitRunner.Select(FeatureCatalog.Default, options with { Tags = "@req:AGT-KEY-001" }), s => Assert.Contains("AGT-KEY-001", s.Requirements));
    }

    [Theory]
    [InlineData("@MUST", "MUST burst", true)]
    [InlineData("@MUST and not @burst", "MUST burst", false)]
    [InlineData("@SHOULD or @MUST and @burst", "SHOULD", true)]
    [InlineData("(@SHOULD or @MUST) and @burst", "SHOULD", false)]
    [InlineData("not (@a or @b)", "c", true)]
    [InlineData("@req:AGT-CARD-001", "req:AGT-CARD-001 MUST", true)]
    public void Tag_expressions_follow_Cucumber_precedence(string expression, string tags, bool matches)
    {
        Assert.Equal(matches, TagExpression.Parse(expression).Matches(tags.Split(' ')));
    }
}
