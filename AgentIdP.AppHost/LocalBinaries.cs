using System.Diagnostics;

namespace AgentIdP;

/// <summary>
/// Finds and prepares the machine's own Postgres and Redis binaries. Shared (as a linked file) by the AppHost's
/// local mode and the test support, so both start servers the same way.
/// </summary>
public static class LocalBinaries
{
    public const string InstallHint =
        "Install them with 'apt-get install -y postgresql redis-server' (Debian/Ubuntu), or run a container runtime.";

    private static readonly bool IsRoot = Environment.UserName == "root";

    /// <summary>The directory holding initdb and postgres: configured, else the newest /usr/lib/postgresql/N/bin, else PATH.</summary>
    public static string PostgresBin(string? configured = null)
    {
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return File.Exists(Path.Combine(configured, "postgres"))
                ? configured
                : throw new InvalidOperationException($"No 'postgres' binary in the configured directory '{configured}'.");
        }
        var versioned = Directory.Exists("/usr/lib/postgresql")
            ? Directory.GetDirectories("/usr/lib/postgresql")
                .Select(d => Path.Combine(d, "bin"))
                .Where(d => File.Exists(Path.Combine(d, "initdb")) && File.Exists(Path.Combine(d, "postgres")))
                .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
                .FirstOrDefault()
            : null;
        if (versioned is not null) return versioned;
        var onPath = FindOnPath("initdb");
        return onPath is not null
            ? Path.GetDirectoryName(onPath)!
            : throw new InvalidOperationException($"PostgreSQL server binaries (initdb, postgres) were not found. {InstallHint}");
    }

    public static string RedisServer(string? configured = null) =>
        !string.IsNullOrWhiteSpace(configured) ? configured
        : FindOnPath("redis-server")
          ?? throw new InvalidOperationException($"'redis-server' was not found on PATH. {InstallHint}");

    /// <summary>
    /// The command line that runs a Postgres binary: as is, or through <c>setpriv</c> as the <c>postgres</c> user
    /// when we are root (Postgres refuses root). setpriv execs in place, so the PID stays the server's.
    /// </summary>
    public static (string Command, string[] Args) AsPostgresUser(string binary, params string[] args)
    {
        if (!IsRoot) return (binary, args);
        var setpriv = FindOnPath("setpriv")
                      ?? throw new InvalidOperationException("Running as root needs 'setpriv' (package util-linux) to start Postgres as the postgres user.");
        return (setpriv, ["--reuid=postgres", "--regid=postgres", "--init-groups", binary, .. args]);
    }

    /// <summary>Creates a Postgres cluster in <paramref name="dataDir"/> unless one is there (trust auth, loopback only).</summary>
    public static void InitDbIfMissing(string binDir, string dataDir)
    {
        if (File.Exists(Path.Combine(dataDir, "PG_VERSION"))) return;
        Directory.CreateDirectory(dataDir);
        if (IsRoot)
        {
            Run("chown", "-R", "postgres:postgres", dataDir);
            Run("chmod", "700", dataDir);
        }
        var (cmd, args) = AsPostgresUser(Path.Combine(binDir, "initdb"),
            "-D", dataDir, "-U", "postgres", "--auth=trust", "--encoding=UTF8", "--locale=C", "--no-sync");
        Run(cmd, args);
    }

    public static string? FindOnPath(string name) =>
        (Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin")
        .Split(Path.PathSeparator)
        .Append("/usr/sbin").Append("/usr/bin")
        .Select(dir => Path.Combine(dir, name))
        .FirstOrDefault(File.Exists);

    private static void Run(string command, params string[] args)
    {
        var psi = new ProcessStartInfo(command) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var a in args) psi.ArgumentList.Add(a);
        using var process = Process.Start(psi)!;
        var stderr = process.StandardError.ReadToEndAsync();
        var stdout = process.StandardOutput.ReadToEndAsync();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"'{command} {string.Join(' ', args)}' failed with exit code {process.ExitCode}: {stderr.Result}{stdout.Result}");
        }
    }
}
