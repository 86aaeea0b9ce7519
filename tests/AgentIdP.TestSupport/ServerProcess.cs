using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace AgentIdP.TestSupport;

/// <summary>
/// A server the tests start from the machine's binaries, on a free loopback port. It can be stopped and started
/// again on the same port (outage tests), and it never outlives the test process.
/// </summary>
public abstract partial class ServerProcess : IAsyncDisposable
{
    private static readonly List<ServerProcess> Running = [];
    private Process? _process;

    static ServerProcess()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            lock (Running) foreach (var server in Running.ToArray()) server.Kill();
        };
    }

    protected ServerProcess(string name)
    {
        Name = name;
        Port = FreePort();
        Directory = Path.Combine(Path.GetTempPath(), $"agentidp-{name}-{Guid.NewGuid():N}"[..24]);
        System.IO.Directory.CreateDirectory(Directory);
    }

    public string Name { get; }
    public int Port { get; }
    public string Directory { get; }
    public bool IsRunning => _process is { HasExited: false };

    protected abstract (string Command, string[] Args) CommandLine();

    /// <summary>Signal that asks the server to stop quickly and cleanly (SIGINT for Postgres' fast shutdown).</summary>
    protected virtual int StopSignal => 2;

    public async Task StartAsync()
    {
        if (IsRunning) return;
        var (command, args) = DiesWithTestProcess(CommandLine());
        var psi = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Directory };
        foreach (var a in args) psi.ArgumentList.Add(a);
        var process = await Launcher.StartAsync(psi);
        var log = new System.Text.StringBuilder();
        process.OutputDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.ErrorDataReceived += (_, e) => { lock (log) log.AppendLine(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        _process = process;
        lock (Running) Running.Add(this);

        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!await AcceptsConnectionsAsync())
        {
            if (process.HasExited || DateTime.UtcNow > deadline)
            {
                Kill();
                string output;
                lock (log) output = log.ToString();
                throw new InvalidOperationException($"{Name} did not start on port {Port}: {output}");
            }
            await Task.Delay(50);
        }
    }

    /// <summary>Stops the server and waits until it has exited.</summary>
    public async Task StopAsync()
    {
        if (_process is not { } process) return;
        if (!process.HasExited)
        {
            _ = SysKill(process.Id, StopSignal);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try { await process.WaitForExitAsync(timeout.Token); }
            catch (OperationCanceledException) { Kill(); }
        }
        process.Dispose();
        _process = null;
        lock (Running) Running.Remove(this);
    }

    protected virtual async Task<bool> AcceptsConnectionsAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        try { System.IO.Directory.Delete(Directory, recursive: true); }
        catch (IOException) { /* a file still held open; the temp directory is cleaned by the OS */ }
        catch (UnauthorizedAccessException) { }
        GC.SuppressFinalize(this);
    }

    private void Kill()
    {
        try { _process?.Kill(entireProcessTree: true); }
        catch (InvalidOperationException) { /* already gone */ }
    }

    /// <summary>
    /// Asks the kernel to kill the server when the test process dies, however it dies (setpriv's parent-death signal).
    /// The signal follows the thread that forked, so servers are forked from one thread that lives as long as the process.
    /// </summary>
    private static (string, string[]) DiesWithTestProcess((string Command, string[] Args) line)
    {
        if (LocalBinaries.FindOnPath("setpriv") is not { } setpriv) return line;
        return Path.GetFileName(line.Command) == "setpriv"
            ? (line.Command, ["--pdeathsig", "KILL", .. line.Args])
            : (setpriv, ["--pdeathsig", "KILL", line.Command, .. line.Args]);
    }

    private static class Launcher
    {
        private static readonly System.Collections.Concurrent.BlockingCollection<(ProcessStartInfo, TaskCompletionSource<Process>)> Queue = [];

        static Launcher()
        {
            new Thread(() =>
            {
                foreach (var (psi, done) in Queue.GetConsumingEnumerable())
                {
                    try { done.SetResult(Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {psi.FileName}.")); }
                    catch (Exception e) { done.SetException(e); }
                }
            }) { IsBackground = true, Name = "agentidp-test-servers" }.Start();
        }

        public static Task<Process> StartAsync(ProcessStartInfo psi)
        {
            var done = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
            Queue.Add((psi, done));
            return done.Task;
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SysKill(int pid, int signal);
}
