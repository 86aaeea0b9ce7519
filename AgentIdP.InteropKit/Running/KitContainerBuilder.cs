using Reqnroll.Analytics;
using Reqnroll.BoDi;
using Reqnroll.Infrastructure;
using Reqnroll.Tracing;

namespace AgentIdP.InteropKit.Running;

/// <summary>
/// Reqnroll's container builder with two defaults changed before anything resolves them: no trace output on the
/// console (not even "Loading plugin"), and no usage telemetry, since the kit runs inside partners' networks.
/// </summary>
internal sealed class KitContainerBuilder : ContainerBuilder
{
    protected override void RegisterDefaults(ObjectContainer container)
    {
        base.RegisterDefaults(container);
        container.RegisterTypeAs<NullListener, ITraceListener>();
        container.RegisterTypeAs<NoTelemetry, IAnalyticsRuntimeTelemetryService>();
    }

    private sealed class NoTelemetry : IAnalyticsRuntimeTelemetryService
    {
        public void SendFeatureUseEvent(string featureName, Dictionary<string, string>? properties = null, Dictionary<string, double>? metrics = null) { }
        public void SendProjectRunningEvent() { }
    }
}
