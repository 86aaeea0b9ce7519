using AgentIdP.Api.Platform;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace AgentIdP.Api.Data;

public static class DataExtensions
{
    /// <summary>Postgres (connection string <c>agentidp</c>), Redis (<c>cache</c>) and the migrations applied at startup.</summary>
    public static WebApplicationBuilder AddData(this WebApplicationBuilder builder)
    {
        builder.AddNpgsqlDataSource(ResourceNames.Database, configureDataSourceBuilder: b => b.EnableDynamicJson());
        // Redis being away degrades the API (limits fail open, see Tiers/) but does not make it unready, so Aspire's
        // own Unhealthy check is replaced with one that reports Degraded.
        // Redis command spans are off unless Aspire:StackExchange:Redis:DisableTracing says otherwise: the client's
        // profiler keeps every command of the hot path (two per token request) in memory until it is drained, which
        // doubled the API's memory and put p99 latency from 12 ms to over 50 ms under token load (docs/benchmarks.md).
        var traceRedis = builder.Configuration.GetValue<bool?>("Aspire:StackExchange:Redis:DisableTracing") == false;
        builder.AddRedisClient(ResourceNames.Cache, configureSettings: s =>
        {
            s.DisableHealthChecks = true;
            s.DisableTracing = !traceRedis;
        }, configureOptions: o =>
        {
            // Start and keep running while Redis is away; callers decide what a missing Redis means.
            o.AbortOnConnectFail = false;
            o.ConnectTimeout = 2000;
            o.SyncTimeout = 1000;
            o.AsyncTimeout = 1000;
            o.ConnectRetry = 1;
            // While disconnected, fail commands at once instead of queueing them behind a reconnect.
            o.BacklogPolicy = BacklogPolicy.FailFast;
            // Socket I/O on the .NET thread pool rather than the client's dedicated scheduler threads, which spin on a
            // monitor and cost about a fifth of the CPU under token load on 2 cores (docs/benchmarks.md).
            o.SocketManager = SocketManager.ThreadPool;
        });
        builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>("redis", HealthStatus.Degraded);
        builder.Services.AddSingleton(MigrationScript.Embedded(typeof(DataExtensions).Assembly));
        builder.Services.AddSingleton<MigrationRunner>();
        builder.Services.AddSingleton<IStartupTask, MigrationStartupTask>();
        return builder;
    }
}

/// <summary>The migrations, in the first startup stage: no request and no warm-up sees an unmigrated schema.</summary>
internal sealed class MigrationStartupTask(MigrationRunner runner) : IStartupTask
{
    public StartupStage Stage => StartupStage.Migrate;
    public Task RunAsync(CancellationToken ct) => runner.MigrateAsync(ct);
}

internal sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            var latency = await redis.GetDatabase().PingAsync().WaitAsync(TimeSpan.FromSeconds(1), ct);
            return HealthCheckResult.Healthy($"PING {latency.TotalMilliseconds:0.0} ms");
        }
        catch (Exception e) when (RedisUnavailable.Is(e))
        {
            return new HealthCheckResult(context.Registration.FailureStatus, e.Message);
        }
    }
}
