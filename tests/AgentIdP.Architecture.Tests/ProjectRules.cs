using System.Reflection;
using NetArchTest.Rules;

namespace AgentIdP.Architecture.Tests;

/// <summary>The interop kit and the portal talk to the API over HTTP only: they neither reference nor compile in its code.</summary>
public sealed class ProjectRules
{
    public static TheoryData<string> HttpOnlyClients() => ["AgentIdP.InteropKit", "AgentIdP.Portal"];

    [Theory]
    [MemberData(nameof(HttpOnlyClients))]
    public void Client_does_not_reference_the_api_assembly(string project)
    {
        var references = Load(project).GetReferencedAssemblies().Select(a => a.Name).ToList();
        Assert.DoesNotContain(FeatureGraph.ApiNamespace, references);
    }

    [Theory]
    [MemberData(nameof(HttpOnlyClients))]
    public void Client_uses_no_api_type(string project)
    {
        var result = Types.InAssembly(Load(project)).ShouldNot().HaveDependencyOn(FeatureGraph.ApiNamespace).GetResult();
        Assert.True(result.IsSuccessful,
            $"{project} uses API types in: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    /// <summary>A source file linked from the API would bring its namespace along (and its bugs, unseen by a contract test).</summary>
    [Theory]
    [MemberData(nameof(HttpOnlyClients))]
    public void Client_compiles_in_no_api_source(string project)
    {
        var result = Types.InAssembly(Load(project))
            .ShouldNot().ResideInNamespaceMatching($@"^{FeatureGraph.ApiNamespace.Replace(".", @"\.")}(\..*)?$").GetResult();
        Assert.True(result.IsSuccessful, $"{project} compiles in API code: {string.Join(", ", result.FailingTypeNames ?? [])}");
    }

    private static Assembly Load(string project) => Assembly.Load(project);
}
