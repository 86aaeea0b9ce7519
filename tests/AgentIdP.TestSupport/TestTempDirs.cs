using System.Diagnostics;
using System.Globalization;

namespace AgentIdP.TestSupport;

/// <summary>
/// Temporary directories of test servers, named <c>agentidp-test-&lt;owner pid&gt;-…</c> so that whatever a dead test
/// process left behind can be told from what a live one still uses. Removed three ways: by the fixture's disposal, by
/// a reaper that outlives a killed test process, and by a sweep of dead owners' directories when the next run starts.
/// </summary>
public static class TestTempDirs
{
    public const string Prefix = "agentidp-test-";

    // Waits for the owner to die, kills whatever still works in its directories (SIGCONT, SIGKILL), removes them.
    private const string ReaperScript = """
        exec </dev/null >/dev/null 2>&1
        owner=$1; prefix=$2
        while [ -d "/proc/$owner" ]; do sleep 0.2; done
        for try in 1 2 3 4 5; do
          for p in /proc/[0-9]*; do
            cwd=$(readlink "$p/cwd") || continue
            case "$cwd" in "$prefix"*) kill -CONT "${p#/proc/}"; kill -KILL "${p#/proc/}";; esac
          done
          rm -rf "$prefix"*
          ls -d "$prefix"* || break
          sleep 0.2
        done
        """;

    private static readonly Lazy<bool> Prepared = new(Prepare);

    private static string OwnPrefix => Path.Combine(Path.GetTempPath(), $"{Prefix}{Environment.ProcessId}-");

    /// <summary>A new directory for a server called <paramref name="name"/>, owned by this process.</summary>
    public static string Create(string name)
    {
        _ = Prepared.Value;
        var directory = $"{OwnPrefix}{name}-{Guid.NewGuid():N}"[..^24];
        Directory.CreateDirectory(directory);
        return directory;
    }

    /// <summary>Directories of test processes that are gone (their servers, if any still run, go with them).</summary>
    public static void SweepDeadOwners()
    {
        foreach (var directory in Directory.EnumerateDirectories(Path.GetTempPath(), Prefix + "*"))
        {
            var rest = Path.GetFileName(directory)[Prefix.Length..];
            var dash = rest.IndexOf('-');
            if (dash > 0 && int.TryParse(rest[..dash], NumberStyles.None, CultureInfo.InvariantCulture, out var owner) && !ProcessSweep.IsAlive(owner))
            {
                ProcessSweep.KillAndDelete(directory);
            }
        }
    }

    private static bool Prepare()
    {
        SweepDeadOwners();
        StartReaper();
        return true;
    }

    /// <summary>
    /// A shell in its own session (setsid -f forks, so it is not in this process's tree and a runner that kills the
    /// test host's tree does not take it along), holding none of this process's output pipes.
    /// </summary>
    private static void StartReaper()
    {
        if (LocalBinaries.FindOnPath("setsid") is not { } setsid) return;
        var psi = new ProcessStartInfo(setsid) { RedirectStandardInput = true, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var arg in new[] { "-f", "sh", "-c", ReaperScript, "agentidp-test-reaper", Environment.ProcessId.ToString(CultureInfo.InvariantCulture), OwnPrefix })
        {
            psi.ArgumentList.Add(arg);
        }
        using var process = Process.Start(psi);
        process?.WaitForExit();
    }
}
