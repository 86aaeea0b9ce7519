using System.Diagnostics;
using System.Globalization;
using AgentIdP.Api.Analytics;
using AgentIdP.Api.Data;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

// Loads one big tenant (1,000 agents × 90 days) among many others, then times the analytics queries the API runs.
// Usage: AgentIdP.Bench.Analytics --connection "Host=…;Database=bench" [--output docs/benchmarks.md] [--rows 10000000]
var options = Args.Parse(args);
await using var db = new NpgsqlDataSourceBuilder(options.Connection).Build();
await new MigrationRunner(db, MigrationScript.Embedded(typeof(MigrationRunner).Assembly), NullLogger<MigrationRunner>.Instance)
    .MigrateAsync(CancellationToken.None);

var today = DateOnly.FromDateTime(DateTime.UtcNow);
var tenant = new Guid("be000000-0000-4000-8000-000000000001");
var loaded = Stopwatch.StartNew();
var rows = await Loader.LoadAsync(db, tenant, today, options.Rows);
loaded.Stop();
Console.WriteLine($"Loaded {rows:N0} rows in {loaded.Elapsed.TotalSeconds:F0} s");

var queries = new AnalyticsQueries(db);
var agent = await Loader.SomeAgentAsync(db, tenant);
var last90 = new DayRange(today.AddDays(-89), today);
var last30 = new DayRange(today.AddDays(-29), today);
var results = new List<(string Name, Latency Latency)>
{
    ("Trend, 90 days, whole tenant", await Latency.MeasureAsync(() => queries.DailyTotalsAsync(tenant, AnalyticsMetric.TokenIssued, last90, null, default))),
    ("Trend, 90 days, one agent", await Latency.MeasureAsync(() => queries.DailyTotalsAsync(tenant, AnalyticsMetric.TokenIssued, last90, agent, default))),
    ("Trend, 30 days + previous 30, whole tenant", await Latency.MeasureAsync(() =>
        queries.DailyTotalsAsync(tenant, AnalyticsMetric.TokenIssued, new DayRange(last30.Previous.From, today), null, default))),
    ("Heatmap, 90 days, top 10 + other", await Latency.MeasureAsync(() => queries.HeatmapAsync(tenant, last90, 10, default))),
    ("Heatmap, 30 days, top 10 + other", await Latency.MeasureAsync(() => queries.HeatmapAsync(tenant, last30, 10, default))),
    ("Usage summary (today, month)", await Latency.MeasureAsync(() => queries.SummaryAsync(tenant, today, default))),
};
foreach (var (name, latency) in results) Console.WriteLine($"{name,-45} p50 {latency.P50:F1} ms  p95 {latency.P95:F1} ms");

if (options.Output is { } output)
{
    await Report.WriteAsync(output, db, rows, loaded.Elapsed, results);
    Console.WriteLine($"Wrote the analytics section of {output}");
}

internal sealed record Args(string Connection, string? Output, long Rows)
{
    public static Args Parse(string[] args)
    {
        string? connection = null, output = null;
        long rows = 10_000_000;
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            switch (args[i])
            {
                case "--connection": connection = args[i + 1]; break;
                case "--output": output = args[i + 1]; break;
                case "--rows": rows = long.Parse(args[i + 1], CultureInfo.InvariantCulture); break;
                default: throw new ArgumentException($"Unknown option {args[i]}.");
            }
        }
        return new Args(connection ?? throw new ArgumentException("--connection is required."), output, rows);
    }
}

internal sealed record Latency(double P50, double P95)
{
    private const int Warmup = 20;
    private const int Runs = 200;

    public static async Task<Latency> MeasureAsync<T>(Func<Task<T>> query)
    {
        for (var i = 0; i < Warmup; i++) await query();
        var times = new double[Runs];
        for (var i = 0; i < Runs; i++)
        {
            var started = Stopwatch.GetTimestamp();
            await query();
            times[i] = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        }
        Array.Sort(times);
        return new Latency(times[Runs / 2], times[(int)Math.Ceiling(Runs * 0.95) - 1]);
    }
}
