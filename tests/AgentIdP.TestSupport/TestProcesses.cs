using System.Collections.Concurrent;
using System.Diagnostics;

namespace AgentIdP.TestSupport;

/// <summary>
/// Starts processes that must not outlive the test process (servers, API replicas): the kernel sends them SIGKILL
/// when it dies, however it dies (setpriv's parent-death signal).
/// </summary>
public static class TestProcesses
{
    private static readonly BlockingCollection<(ProcessStartInfo, TaskCompletionSource<Process>)> Queue = [];

    static TestProcesses()
    {
        // The parent-death signal follows the thread that forked, not the process: fork from one thread that lives as
        // long as the process, or a retired thread-pool thread would take the child down with it.
        new Thread(() =>
        {
            foreach (var (psi, done) in Queue.GetConsumingEnumerable())
            {
                try { done.SetResult(Process.Start(psi) ?? throw new InvalidOperationException($"Could not start {psi.FileName}.")); }
                catch (Exception e) { done.SetException(e); }
            }
        }) { IsBackground = true, Name = "agentidp-test-processes" }.Start();
    }

    /// <summary>Starts <paramref name="psi"/> with a parent-death SIGKILL (through setpriv when the machine has it).</summary>
    public static Task<Process> StartAsync(ProcessStartInfo psi)
    {
        if (LocalBinaries.FindOnPath("setpriv") is { } setpriv)
        {
            if (Path.GetFileName(psi.FileName) == "setpriv")
            {
                psi.ArgumentList.Insert(0, "--pdeathsig");
                psi.ArgumentList.Insert(1, "KILL");
            }
            else
            {
                psi.ArgumentList.Insert(0, psi.FileName);
                psi.ArgumentList.Insert(0, "KILL");
                psi.ArgumentList.Insert(0, "--pdeathsig");
                psi.FileName = setpriv;
            }
        }
        var done = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        Queue.Add((psi, done));
        return done.Task;
    }
}
