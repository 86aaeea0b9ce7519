namespace AgentIdP.AppHost;

internal static class ServiceDefaultsPaths
{
    public const string Health = Microsoft.Extensions.Hosting.ServiceDefaultsExtensions.HealthPath;
}
