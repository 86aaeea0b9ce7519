using System.Diagnostics;
using AgentIdP.InteropKit.Reports;
using AgentIdP.InteropKit.Target;
using Messages = Io.Cucumber.Messages.Types;

namespace AgentIdP.InteropKit.Running;

/// <summary>
/// Runs the selected scenarios through Reqnroll's runtime the way generated test code would: one test run per kit
/// run, a feature start and end around each feature's scenarios, and for each scenario initialize, register the
/// run's <see cref="TargetClient"/> in the scenario container (step classes take it by constructor), start, the steps,
/// collect errors, end.
/// </summary>
public static class KitRunner
{
    // Reqnroll keeps one test runner manager per assembly and process: kit runs in one process take turns.
    private static readonly SemaphoreSlim OneRunAtATime = new(1, 1);

    public static async Task<KitReport> RunAsync(KitOptions options, IProgress<ScenarioResult>? progress = null, CancellationToken ct = default)
    {
        var selected = Select(FeatureCatalog.Default, options);
        await OneRunAtATime.WaitAsync(ct);
        try
        {
            using var target = new TargetClient(options);
            var results = new List<ScenarioResult>();
            var started = DateTimeOffset.UtcNow;
            var assembly = typeof(KitRunner).Assembly;
            var containers = new KitContainerBuilder();
            using (ReqnrollFormatters.WriteTo(options.OutDir))
            {
                await TestRunnerManager.OnTestRunStartAsync(assembly, containers);
                try
                {
                    foreach (var feature in selected.GroupBy(s => s.Feature))
                    {
                        var runner = TestRunnerManager.GetTestRunnerForAssembly(assembly, containers, feature.Key.Info);
                        try
                        {
                            await runner.OnFeatureStartAsync(feature.Key.Info);
                            foreach (var scenario in feature)
                            {
                                ct.ThrowIfCancellationRequested();
                                var result = await RunScenarioAsync(runner, scenario, target);
                                results.Add(result);
                                progress?.Report(result);
                            }
                            await runner.OnFeatureEndAsync();
                        }
                        finally
                        {
                            TestRunnerManager.ReleaseTestRunner(runner);
                        }
                    }
                }
                finally
                {
                    await TestRunnerManager.OnTestRunEndAsync(assembly, containers);
                }
            }
            return new KitReport(options, results, started, DateTimeOffset.UtcNow);
        }
        finally
        {
            OneRunAtATime.Release();
        }
    }

    /// <summary>The scenarios a run executes: up to the chosen level, matching the tag expression and the test filter.</summary>
    public static IReadOnlyList<KitScenario> Select(FeatureCatalog catalog, KitOptions options)
    {
        var tags = TagExpression.Parse(options.Tags);
        return [.. catalog.Scenarios.Where(s => s.Level <= options.Level && tags.Matches(s.Tags) && (options.Only?.Invoke(s) ?? true))];
    }

    private static async Task<ScenarioResult> RunScenarioAsync(ITestRunner runner, KitScenario scenario, TargetClient target)
    {
        var clock = Stopwatch.StartNew();
        runner.OnScenarioInitialize(scenario.Info(), scenario.Rule);
        runner.ScenarioContext.ScenarioContainer.RegisterInstanceAs(target);
        try
        {
            await runner.OnScenarioStartAsync();
            foreach (var step in scenario.Steps)
            {
                var table = step.Table is null ? null : ToTable(step.Table);
                await (step.Type switch
                {
                    Messages.PickleStepType.CONTEXT => runner.GivenAsync(step.Text, step.DocString, table, step.Keyword),
                    Messages.PickleStepType.ACTION => runner.WhenAsync(step.Text, step.DocString, table, step.Keyword),
                    Messages.PickleStepType.OUTCOME => runner.ThenAsync(step.Text, step.DocString, table, step.Keyword),
                    _ => runner.AndAsync(step.Text, step.DocString, table, step.Keyword),
                });
            }
            // Throws the first step error, the skip reason, or a pending/undefined step; returns when all passed.
            await runner.CollectScenarioErrorsAsync();
            return new ScenarioResult(scenario, Outcome.Passed, null, clock.Elapsed);
        }
        catch (ScenarioSkipped skipped)
        {
            return new ScenarioResult(scenario, Outcome.Skipped, skipped.Message, clock.Elapsed);
        }
        catch (Exception e)
        {
            return new ScenarioResult(scenario, Outcome.Failed, Describe(e), clock.Elapsed);
        }
        finally
        {
            await runner.OnScenarioEndAsync();
        }
    }

    private static string Describe(Exception e) => e switch
    {
        CheckFailed => e.Message,
        ScenarioNotRunnable => $"the kit could not run this scenario ({e.Message})",
        HttpRequestException or TaskCanceledException => $"the target did not answer: {e.Message}",
        System.Text.Json.JsonException => $"the target answered malformed JSON: {e.Message}",
        _ => $"{e.GetType().Name}: {e.Message}",
    };

    private static Table ToTable(Messages.PickleTable source)
    {
        var table = new Table([.. source.Rows[0].Cells.Select(c => c.Value)]);
        foreach (var row in source.Rows.Skip(1)) table.AddRow([.. row.Cells.Select(c => c.Value)]);
        return table;
    }
}
