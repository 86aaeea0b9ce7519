using System.Globalization;
using System.Runtime.InteropServices;

namespace AgentIdP.TestSupport;

/// <summary>
/// Finds and kills what a test server left running, from /proc. Postgres' children make themselves session leaders,
/// so neither a process-group kill nor the parent's tree reaches them once the postmaster is gone; what they share is
/// their working directory, the server's data directory.
/// </summary>
public static partial class ProcessSweep
{
    private const int SigKill = 9;
    private const int SigCont = 18;

    public static bool IsAlive(int pid) => Directory.Exists($"/proc/{pid}");

    /// <summary>Processes whose working directory is <paramref name="directory"/> or inside it.</summary>
    public static List<int> WorkingIn(string directory)
    {
        var found = new List<int>();
        var root = Path.TrimEndingDirectorySeparator(Path.GetFullPath(directory));
        foreach (var entry in SafeEnumerate("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(entry), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId) continue;
            string? cwd;
            try { cwd = new FileInfo(Path.Combine(entry, "cwd")).LinkTarget; }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException) { continue; }
            // The kernel appends " (deleted)" once the directory is removed under a process.
            if (cwd is null) continue;
            if (cwd.EndsWith(" (deleted)", StringComparison.Ordinal)) cwd = cwd[..^" (deleted)".Length];
            if (cwd == root || cwd.StartsWith(root + "/", StringComparison.Ordinal)) found.Add(pid);
        }
        return found;
    }

    /// <summary>
    /// SIGCONT then SIGKILL. Never SIGSTOP first (Process.Kill(entireProcessTree) does, and a process stopped that way
    /// whose kill never comes stays stopped forever); a stopped process does not act on SIGTERM until continued.
    /// </summary>
    public static void Kill(IEnumerable<int> pids)
    {
        foreach (var pid in pids)
        {
            _ = SysKill(pid, SigCont);
            _ = SysKill(pid, SigKill);
        }
    }

    /// <summary>Kills everything working in <paramref name="directory"/>, then deletes it (a few tries while the dead let go).</summary>
    public static void KillAndDelete(string directory)
    {
        for (var attempt = 0; attempt < 20; attempt++)
        {
            Kill(WorkingIn(directory));
            try
            {
                if (Directory.Exists(directory)) Directory.Delete(directory, recursive: true);
                return;
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                Thread.Sleep(50); // a dying server may still be writing a file into it
            }
        }
    }

    private static IEnumerable<string> SafeEnumerate(string directory)
    {
        try { return Directory.EnumerateDirectories(directory).ToList(); }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException) { return []; }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    internal static partial int SysKill(int pid, int signal);
}
