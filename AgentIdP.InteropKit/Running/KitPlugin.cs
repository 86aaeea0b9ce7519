using AgentIdP.InteropKit.Running;
using Reqnroll.Plugins;
using Reqnroll.Tracing;
using Reqnroll.UnitTestProvider;

[assembly: RuntimePlugin(typeof(KitPlugin))]

namespace AgentIdP.InteropKit.Running;

/// <summary>
/// Plays the part a test-framework plugin (Reqnroll.xUnit and friends) usually plays: it names the unit test
/// provider Reqnroll resolves, and keeps Reqnroll's step tracing off the console (the kit prints its own progress).
/// </summary>
public sealed class KitPlugin : IRuntimePlugin
{
    private const string ProviderName = "agentidp-interop-kit";

    public void Initialize(RuntimePluginEvents runtimePluginEvents, RuntimePluginParameters runtimePluginParameters,
        UnitTestProviderConfiguration unitTestProviderConfiguration)
    {
        unitTestProviderConfiguration.UseUnitTestProvider(ProviderName);
        runtimePluginEvents.RegisterGlobalDependencies += (_, e) =>
            e.ObjectContainer.RegisterTypeAs<KitRuntimeProvider, IUnitTestRuntimeProvider>(ProviderName);
        runtimePluginEvents.CustomizeTestThreadDependencies += (_, e) => e.ObjectContainer.RegisterTypeAs<NullListener, ITraceListener>();
    }
}

/// <summary>How Reqnroll tells the kit a scenario is skipped, pending or inconclusive: by these exceptions.</summary>
public sealed class KitRuntimeProvider : IUnitTestRuntimeProvider
{
    public void TestPending(string message) => throw new ScenarioNotRunnable($"pending: {message}");
    public void TestInconclusive(string message) => throw new ScenarioSkipped(message);
    public void TestIgnore(string message) => throw new ScenarioSkipped(message);

    public Reqnroll.ScenarioExecutionStatus? DetectExecutionStatus(Exception exception) =>
        exception is ScenarioSkipped ? Reqnroll.ScenarioExecutionStatus.Skipped : null;
}

/// <summary>A step found that the target does not offer what the scenario checks; the reason goes in the reports.</summary>
public sealed class ScenarioSkipped(string reason) : Exception(reason)
{
    // Reports (Reqnroll's too) show the reason; where in the kit it was noticed is of no use to a partner.
    public override string? StackTrace => null;
}

/// <summary>A scenario the kit itself cannot run (an undefined or pending step): a bug in the kit, reported as a failure.</summary>
public sealed class ScenarioNotRunnable(string message) : Exception(message);
