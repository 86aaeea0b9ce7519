namespace AgentIdP.Api.Platform;

/// <summary>
/// Runs every <see cref="IStartupTask"/> in <see cref="IHostedLifecycleService.StartingAsync"/>, which the host finishes
/// for all services before it calls any <c>StartAsync</c>: other hosted services and the web server start after the
/// schema is migrated and the in-memory state is loaded, whichever order they were registered in.
/// </summary>
internal sealed partial class StartupRunner(IEnumerable<IStartupTask> tasks, ILogger<StartupRunner> logger) : IHostedLifecycleService
{
    public async Task StartingAsync(CancellationToken ct)
    {
        foreach (var stage in Enum.GetValues<StartupStage>())
        {
            var due = tasks.Where(t => t.Stage == stage).ToList();
            await Task.WhenAll(due.Select(t => t.RunAsync(ct)));
            LogStageDone(logger, stage, due.Count);
        }
    }

    public Task StartAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StartedAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StoppingAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
    public Task StoppedAsync(CancellationToken ct) => Task.CompletedTask;

    [LoggerMessage(Level = LogLevel.Debug, Message = "Startup stage {Stage} done ({Count} tasks)")]
    private static partial void LogStageDone(ILogger logger, StartupStage stage, int count);
}
