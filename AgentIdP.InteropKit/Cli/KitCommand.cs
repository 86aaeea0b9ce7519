using AgentIdP.InteropKit.Reports;
using AgentIdP.InteropKit.Running;

namespace AgentIdP.InteropKit.Cli;

/// <summary>The kit's command line: options, a reachability check, the run with live progress, the reports, the exit code.</summary>
public static class KitCommand
{
    private static readonly TimeSpan ReachabilityTimeout = TimeSpan.FromSeconds(10);

    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter output, TextWriter error,
        Func<string, string?>? environment = null, CancellationToken ct = default)
    {
        var (options, problem) = OptionsParser.Parse(args, environment ?? Environment.GetEnvironmentVariable);
        if (options is null)
        {
            if (problem is null)
            {
                output.WriteLine(OptionsParser.Help);
                return KitReport.ExitPassed;
            }
            return Usage(error, problem);
        }
        try
        {
            var scenarios = KitRunner.Select(FeatureCatalog.Default, options).Count;
            if (scenarios == 0) return Usage(error, "no scenario matches --level and --tags.");
            if (await UnreachableAsync(options, ct) is { } unreachable) return Usage(error, unreachable);

            var progress = new ConsoleProgress(output);
            progress.Header(options, scenarios);
            var report = await KitRunner.RunAsync(options, progress, ct);
            progress.Summary(report, ReportFiles.Write(report));
            return report.ExitCode;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return Usage(error, $"cannot write the reports to {options.OutDir}: {e.Message}");
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // A bug in the kit, not a finding about the target: one line, no stack trace.
            return Usage(error, $"the kit failed: {e.GetType().Name}: {e.Message}");
        }
    }

    private static int Usage(TextWriter error, string message)
    {
        error.WriteLine($"error: {message}");
        return KitReport.ExitUsage;
    }

    /// <summary>A one-line reason when nothing answers at the base URL; any HTTP answer at all counts as reachable.</summary>
    private static async Task<string?> UnreachableAsync(KitOptions options, CancellationToken ct)
    {
        using var http = new HttpClient { Timeout = ReachabilityTimeout };
        var url = new Uri(options.BaseUrl.AbsoluteUri.TrimEnd('/') + "/.well-known/openid-configuration");
        try
        {
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, ct);
            return null;
        }
        catch (HttpRequestException e)
        {
            return $"cannot reach {options.BaseUrl}: {e.InnerException?.Message ?? e.Message}";
        }
        catch (TaskCanceledException) when (!ct.IsCancellationRequested)
        {
            return $"cannot reach {options.BaseUrl}: no answer within {ReachabilityTimeout.TotalSeconds:0} s";
        }
    }
}
