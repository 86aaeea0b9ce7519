using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace AgentIdP.TestSupport;

/// <summary>
/// A server the tests start from the machine's binaries, on a free loopback port. It can be stopped and started
/// again on the same port (outage tests), and neither it, its child processes nor its directory outlive the test
/// process (see docs/reliability.md, "Test servers leave nothing behind").
/// </summary>
public abstract class ServerProcess : IAsyncDisposable
{
    private static readonly List<ServerProcess> Running = [];
    private Process? _process;

    static ServerProcess()
    {
        // The shared servers are never disposed; they go when the process does. The runner may kill this process a
        // moment after it starts exiting, so every server is killed first and the directories deleted after; whatever
        // is left then, TestTempDirs' reaper removes.
        AppDomain.CurrentDomain.ProcessExit += (_, _) =>
        {
            ServerProcess[] servers;
            lock (Running) servers = [.. Running];
            foreach (var server in servers) server.Kill();
            foreach (var server in servers) ProcessSweep.KillAndDelete(server.Directory);
        };
    }

    protected ServerProcess(string name)
    {
        Name = name;
        Port = FreePort();
        Directory = TestTempDirs.Create(name);
    }

    public string Name { get; }
    public int Port { get; }
    public string Directory { get; }
    public bool IsRunning => _process is { HasExited: false };

    protected abstract (string Command, string[] Args) CommandLine();

    /// <summary>Signal that asks the server to stop quickly and cleanly (SIGINT for Postgres' fast shutdown).</summary>
    protected virtual int StopSignal => 2;

    private const int SigCont = 18;

    public async Task StartAsync()
    {
        if (IsRunning) return;
        var (command, args) = CommandLine();
        // The working directory is how leftovers are found again (ProcessSweep.WorkingIn); Postgres moves into its data directory below it.
        var psi = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = Directory };
        foreach (var a in args) psi.ArgumentList.Add(a);
        var process = await TestProcesses.StartAsync(psi);
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

    /// <summary>Stops the server and waits until it and every process it started have exited.</summary>
    public async Task StopAsync()
    {
        if (_process is not { } process) return;
        if (!process.HasExited)
        {
            // SIGCONT first: a server a test froze with SIGSTOP would not act on the stop signal.
            _ = ProcessSweep.SysKill(process.Id, SigCont);
            _ = ProcessSweep.SysKill(process.Id, StopSignal);
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            try { await process.WaitForExitAsync(timeout.Token); }
            catch (OperationCanceledException) { Kill(); }
        }
        // A postmaster that died hard leaves its children running until they notice; none may survive a stop.
        await KillLeftoversAsync();
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
        ProcessSweep.KillAndDelete(Directory);
        GC.SuppressFinalize(this);
    }

    /// <summary>SIGKILL to the server and everything working in its directory; no SIGSTOP (see <see cref="ProcessSweep.Kill"/>).</summary>
    private void Kill()
    {
        if (_process is { HasExited: false } process) ProcessSweep.Kill([process.Id]);
        ProcessSweep.Kill(ProcessSweep.WorkingIn(Directory));
    }

    private async Task KillLeftoversAsync()
    {
        for (var attempt = 0; attempt < 50 && ProcessSweep.WorkingIn(Directory) is { Count: > 0 } left; attempt++)
        {
            if (attempt >= 10) ProcessSweep.Kill(left); // half a second to exit on their own, then not
            await Task.Delay(50);
        }
    }

    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
