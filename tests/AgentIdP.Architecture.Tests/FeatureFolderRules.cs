namespace AgentIdP.Architecture.Tests;

/// <summary>The arrows between the API's feature folders that docs/architecture.md forbids.</summary>
public sealed class FeatureFolderRules
{
    private static readonly FeatureGraph Graph = FeatureGraph.Api;

    [Theory]
    [InlineData("Audit")]
    [InlineData("Platform")]
    [InlineData("Data")]
    [InlineData("Agents")]
    [InlineData("Tiers")]
    [InlineData("Analytics")]
    [InlineData("Auth")]
    [InlineData("OAuth")]
    public void The_rule_names_a_folder_that_exists(string folder) =>
        Assert.Contains(folder, Graph.Folders);

    [Fact]
    public void Audit_depends_on_nothing_above_it() =>
        AssertUsesOnly("Audit", "Platform", "Data", "Auth");

    // Who the caller is (claim names, scopes, policies) sits under every feature, so that Audit and Keys can name the
    // actor without reaching the token machinery; it must stay a leaf for that to hold.
    [Fact]
    public void Auth_depends_on_nothing_but_platform() =>
        AssertUsesOnly("Auth", "Platform");

    [Fact]
    public void Data_depends_on_nothing_above_it() =>
        AssertUsesOnly("Data", "Platform");

    [Fact]
    public void Platform_depends_on_no_feature() =>
        AssertUsesOnly("Platform");

    [Theory]
    [InlineData("Analytics", "Audit")]
    [InlineData("Audit", "Analytics")]
    [InlineData("Tiers", "Billing")]
    [InlineData("Agents", "Compliance")]
    [InlineData("OAuth", "Tiers")]
    [InlineData("Tiers", "OAuth")]
    [InlineData("Analytics", "Tiers")]
    [InlineData("Analytics", "OAuth")]
    public void Folder_never_imports(string from, string to) =>
        Assert.False(Graph.HasEdge(from, to), $"{from} must not use {to}, but does: {(Graph.HasEdge(from, to) ? Graph.Describe(from, to) : "")}");

    [Fact]
    public void Feature_folders_have_no_cycles()
    {
        var cycles = FeatureCycles.Find(Graph);
        Assert.True(cycles.Count == 0,
            $"{cycles.Count} cycle(s) between feature folders:{Environment.NewLine}" +
            string.Join(Environment.NewLine, cycles.Select(c =>
                $"{string.Join(" -> ", c.Append(c[0]))}:{Environment.NewLine}{FeatureCycles.Describe(Graph, c)}")));
    }

    private static void AssertUsesOnly(string from, params string[] allowed)
    {
        var others = Graph.Uses(from).Where(u => !allowed.Contains(u.To)).Select(u => Graph.Describe(from, u.To)).ToList();
        Assert.True(others.Count == 0,
            $"{from} may use only [{string.Join(", ", allowed)}] but also uses:{Environment.NewLine}  {string.Join(Environment.NewLine + "  ", others)}");
    }
}
