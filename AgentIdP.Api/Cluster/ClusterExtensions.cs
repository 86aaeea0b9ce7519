namespace AgentIdP.Api.Cluster;

public static class ClusterExtensions
{
    public static WebApplicationBuilder AddCluster(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ClusterEvents>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<ClusterEvents>());
        return builder;
    }
}
