using StackExchange.Redis;

namespace AgentIdP.Api.Data;

public static class DataExtensions
{
    /// <summary>Postgres (connection string <c>agentidp</c>), Redis (<c>cache</c>) and the migrations applied at startup.</summary>
    public static WebApplicationBuilder AddData(this WebApplicationBuilder builder)
    {
        Dapper.DefaultTypeMap.MatchNamesWithUnderscores = true;
        builder.AddNpgsqlDataSource(ResourceNames.Database, configureDataSourceBuilder: b => b.EnableDynamicJson());
        builder.AddRedisClient(ResourceNames.Cache, configureOptions: o =>
        {
            // Start and keep running while Redis is away; callers decide what a missing Redis means.
            o.AbortOnConnectFail = false;
            o.ConnectTimeout = 2000;
            o.SyncTimeout = 1000;
            o.AsyncTimeout = 1000;
            o.ConnectRetry = 1;
        });
        builder.Services.AddSingleton(MigrationScript.Embedded(typeof(DataExtensions).Assembly));
        builder.Services.AddSingleton<MigrationRunner>();
        // Registered before the web server, so no request is served on an unmigrated schema.
        builder.Services.AddHostedService<MigrationHostedService>();
        return builder;
    }
}

internal sealed class MigrationHostedService(MigrationRunner runner) : IHostedService
{
    public Task StartAsync(CancellationToken ct) => runner.MigrateAsync(ct);
    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
