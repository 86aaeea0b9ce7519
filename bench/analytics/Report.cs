using System.Globalization;
using System.Text;
using Npgsql;

/// <summary>Writes the analytics section of docs/benchmarks.md between its markers, leaving other sections alone.</summary>
internal static class Report
{
    private const string Begin = "<!-- bench:analytics:begin -->";
    private const string End = "<!-- bench:analytics:end -->";

    public static async Task WriteAsync(string path, NpgsqlDataSource db, long rows, TimeSpan loadTime, IReadOnlyList<(string Name, Latency Latency)> results)
    {
        await using var version = db.CreateCommand("SHOW server_version");
        var postgres = (string)(await version.ExecuteScalarAsync())!;
        var section = new StringBuilder();
        section.AppendLine(Begin);
        section.AppendLine("## Analytics queries");
        section.AppendLine();
        section.AppendLine(CultureInfo.InvariantCulture, $"Run by `bench/analytics/run` on {DateTime.UtcNow:yyyy-MM-dd} (UTC): {Environment.ProcessorCount} cores ({CpuModel()}), {MemoryGiB()} GiB memory, PostgreSQL {postgres} in a throwaway cluster on the same machine; load average when the timings ended: {LoadAverage()} (the machine is shared, so other work competes for its cores).");
        section.AppendLine();
        section.AppendLine(CultureInfo.InvariantCulture, $"`analytics_events` holds {rows:N0} rollups: one tenant with {Loader.Agents:N0} agents × {Loader.Days} days × 2 metrics, and about {(rows - Loader.Agents * Loader.Days * 2) / (100 * Loader.Days):N0} other tenants of 100 agents each, written day by day as flushes would (load and index build: {loadTime.TotalSeconds:F0} s).");
        section.AppendLine("Each query is the API's own (`AnalyticsQueries`), run 20 times to warm up and then 200 times in a row against the big tenant; latency is measured in the client, round trip included.");
        section.AppendLine();
        section.AppendLine("| query | p50 (ms) | p95 (ms) |");
        section.AppendLine("|---|---:|---:|");
        foreach (var (name, latency) in results)
        {
            section.AppendLine(CultureInfo.InvariantCulture, $"| {name} | {latency.P50:F1} | {latency.P95:F1} |");
        }
        section.AppendLine();
        section.AppendLine("Target: p95 under 50 ms for the trend and the heatmap.");
        section.AppendLine(End);

        var text = File.Exists(path) ? await File.ReadAllTextAsync(path) : "# Benchmarks\n\nResults of the benchmarks in `bench/`, with the machine and date of each run.\n";
        var start = text.IndexOf(Begin, StringComparison.Ordinal);
        var end = text.IndexOf(End, StringComparison.Ordinal);
        text = start >= 0 && end > start
            ? text[..start] + section.ToString().TrimEnd('\n') + text[(end + End.Length)..]
            : text.TrimEnd('\n') + "\n\n" + section;
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await File.WriteAllTextAsync(path, text.ReplaceLineEndings("\n"));
    }

    private static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

    private static string CpuModel() =>
        File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(l => l.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim() ?? "unknown CPU"
            : "unknown CPU";

    private static string MemoryGiB()
    {
        var line = File.Exists("/proc/meminfo") ? File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)) : null;
        var kib = line is null ? 0 : long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
        return (kib / 1024.0 / 1024.0).ToString("F0", CultureInfo.InvariantCulture);
    }
}
