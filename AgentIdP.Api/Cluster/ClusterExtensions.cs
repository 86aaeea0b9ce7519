using AgentIdP.Api.Platform;

namespace AgentIdP.Api.Cluster;

public static class ClusterExtensions
{
    public static WebApplicationBuilder AddCluster(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ClusterEvents>();
        builder.Services.AddSingleton<IStartupTask>(sp => sp.GetRequiredService<ClusterEvents>());
        return builder;
    }

    /// <summary>Registers <typeparamref name="TState"/> with the loop that loads it at startup and keeps it current on every replica.</summary>
    public static IServiceCollection AddReplicatedState<TState, TEvent>(this IServiceCollection services, TimeSpan refreshEvery)
        where TState : class, IReplicatedState<TEvent>
        where TEvent : IClusterEvent
    {
        services.AddSingleton<TState>();
        services.AddSingleton(sp => ActivatorUtilities.CreateInstance<ReplicatedSnapshot<TState, TEvent>>(sp, refreshEvery));
        services.AddSingleton<IStartupTask>(sp => sp.GetRequiredService<ReplicatedSnapshot<TState, TEvent>>());
        services.AddHostedService(sp => sp.GetRequiredService<ReplicatedSnapshot<TState, TEvent>>());
        return services;
    }
}
