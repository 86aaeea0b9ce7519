using System.Collections.Concurrent;
using AgentIdP.Api.Platform;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace AgentIdP.Api.Tests.Platform;

public sealed class StartupRunnerTests
{
    [Fact]
    public async Task Startup_tasks_run_stage_by_stage_before_any_hosted_service_starts_whatever_the_registration_order()
    {
        var ran = new ConcurrentQueue<string>();
        var builder = Host.CreateApplicationBuilder();
        // Registered in the wrong order on purpose: a warm-up and a hosted service before the migration.
        builder.Services.AddHostedService(_ => new Recorder(ran, "hosted service"));
        builder.Services.AddSingleton<IStartupTask>(new StageTask(ran, StartupStage.Warm));
        builder.Services.AddSingleton<IStartupTask>(new StageTask(ran, StartupStage.Subscribe));
        builder.Services.AddSingleton<IStartupTask>(new StageTask(ran, StartupStage.Migrate));
        builder.Services.AddHostedService<StartupRunner>();
        using var host = builder.Build();

        await host.StartAsync();
        await host.StopAsync();

        Assert.Equal(["Migrate", "Subscribe", "Warm", "hosted service"], ran);
    }

    private sealed class StageTask(ConcurrentQueue<string> ran, StartupStage stage) : IStartupTask
    {
        public StartupStage Stage => stage;

        public async Task RunAsync(CancellationToken ct)
        {
            await Task.Yield();
            ran.Enqueue(stage.ToString());
        }
    }

    private sealed class Recorder(ConcurrentQueue<string> ran, string name) : IHostedService
    {
        public Task StartAsync(CancellationToken ct)
        {
            ran.Enqueue(name);
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
    }
}
