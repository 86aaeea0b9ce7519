using System.Diagnostics.Metrics;

namespace AgentIdP.Api.Analytics;

/// <summary>
/// The analytics meter: increments recorded, flush batches by outcome, increments dropped at the memory bound, rows
/// removed by retention, and gauges for what is waiting to be flushed and how long since the last good flush.
/// </summary>
public sealed class AnalyticsTelemetry
{
    public const string MeterName = "AgentIdP.Analytics";
    public const string MetricTag = "metric";
    public const string OutcomeTag = "outcome";

    private readonly Meter _meter;
    private readonly Counter<long> _recorded;
    private readonly Counter<long> _batches;
    private readonly Counter<long> _dropped;
    private readonly Counter<long> _retained;

    public AnalyticsTelemetry(IMeterFactory meters)
    {
        _meter = meters.Create(MeterName);
        _recorded = _meter.CreateCounter<long>("agentidp.analytics.increments", "{increment}", "Metric increments recorded in memory");
        _batches = _meter.CreateCounter<long>("agentidp.analytics.flush.batches", "{batch}", "Flush batches written (outcome=ok) or failed and kept for retry (outcome=failed)");
        _dropped = _meter.CreateCounter<long>("agentidp.analytics.dropped", "{increment}", "Increments dropped because the in-memory bound was reached or a batch was rejected");
        _retained = _meter.CreateCounter<long>("agentidp.analytics.retention.deleted", "{row}", "Rollup rows deleted by retention");
    }

    public void Recorded(AnalyticsMetric metric, long count) => _recorded.Add(count, new KeyValuePair<string, object?>(MetricTag, metric.Name()));

    public void Batch(bool ok) => _batches.Add(1, new KeyValuePair<string, object?>(OutcomeTag, ok ? "ok" : "failed"));

    public void Dropped(long count) => _dropped.Add(count);

    public void Deleted(long rows) => _retained.Add(rows);

    /// <summary>Registers the gauges whose values the flusher knows.</summary>
    public void Observe(Func<long> pending, Func<double> lagSeconds)
    {
        _meter.CreateObservableGauge("agentidp.analytics.pending", pending, "{increment}", "Increments in memory not yet in the database");
        _meter.CreateObservableGauge("agentidp.analytics.flush.lag", lagSeconds, "s", "Seconds since the last flush that reached the database");
    }
}
