using System.Diagnostics;
using AgentIdP.TestSupport;

namespace AgentIdP.Reliability.Tests;

/// <summary>The API as its own OS process (the built AgentIdP.Api.dll), so a test can SIGKILL it like a lost machine.</summary>
public sealed class ApiProcess : IAsyncDisposable
{
    private readonly Process _process;

    private ApiProcess(Process process, Uri url)
    {
        _process = process;
        Url = url;
    }

    public Uri Url { get; }

    public static async Task<ApiProcess> StartAsync(string database, string redis, params (string Key, string Value)[] settings)
    {
        var port = ServerProcess.FreePort();
        var psi = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true };
        psi.ArgumentList.Add(ApiDll());
        psi.ArgumentList.Add("--urls");
        psi.ArgumentList.Add($"http://127.0.0.1:{port}");
        psi.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        psi.Environment[$"ConnectionStrings__{ResourceNames.Database}"] = database;
        psi.Environment[$"ConnectionStrings__{ResourceNames.Cache}"] = redis;
        psi.Environment["Logging__LogLevel__Default"] = "Warning";
        foreach (var (key, value) in new ApiFactory(database, redis).Settings.Select(s => (s.Key, s.Value ?? "")).Concat(settings))
        {
            psi.Environment[key.Replace(":", "__")] = value;
        }
        // Tied to the test process: a run that dies mid-test must not leave API replicas serving.
        var process = await TestProcesses.StartAsync(psi);
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var api = new ApiProcess(process, new Uri($"http://127.0.0.1:{port}"));
        using var http = new HttpClient { BaseAddress = api.Url };
        await Eventually.TrueAsync(async () =>
        {
            if (process.HasExited) throw new InvalidOperationException($"The API exited with code {process.ExitCode}.");
            try { return (await http.GetAsync("/health")).IsSuccessStatusCode; }
            catch (HttpRequestException) { return false; }
        }, TimeSpan.FromSeconds(60), "the API process should become healthy");
        return api;
    }

    /// <summary>SIGKILL: no shutdown, no flush — a lost machine.</summary>
    public void Kill() => _process.Kill();

    /// <summary>SIGTERM and wait: a graceful stop (analytics flush on the way out).</summary>
    public async Task StopAsync()
    {
        if (_process.HasExited) return;
        Process.Start("kill", ["-TERM", _process.Id.ToString()])!.WaitForExit();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        await _process.WaitForExitAsync(timeout.Token);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited) _process.Kill();
        await _process.WaitForExitAsync();
        _process.Dispose();
    }

    /// <summary>The API build next to this test build (same configuration), found from the solution root.</summary>
    private static string ApiDll()
    {
        var configuration = AppContext.BaseDirectory.Contains("/Release/", StringComparison.Ordinal) ? "Release" : "Debug";
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "AgentIdP.sln"))) dir = dir.Parent;
        var dll = Path.Combine(dir?.FullName ?? ".", "AgentIdP.Api", "bin", configuration, "net10.0", "AgentIdP.Api.dll");
        return File.Exists(dll) ? dll : throw new FileNotFoundException($"Build the solution first: {dll} is missing.");
    }
}
