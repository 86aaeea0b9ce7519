using AgentIdP.Api.Platform;
using Microsoft.Extensions.Options;

namespace AgentIdP.Api.Analytics;

/// <summary>How often analytics flushes and cleans up, and how much it may hold in memory (<c>Analytics:*</c>).</summary>
public sealed class AnalyticsOptions
{
    public const string Section = "Analytics";

    /// <summary>Seconds between flushes of the in-memory counts to Postgres.</summary>
    public int FlushIntervalSeconds { get; set; } = 5;

    /// <summary>
    /// Distinct (tenant, agent, day, metric) counters held in memory at most. Counts merge per key, so this bounds
    /// memory during a long database outage; increments for new keys beyond it are dropped and counted.
    /// </summary>
    public int MaxPendingKeys { get; set; } = 200_000;

    /// <summary>Minutes between retention runs.</summary>
    public int RetentionIntervalMinutes { get; set; } = 60;

    /// <summary>Rows one retention statement deletes, so a big backlog never holds long locks.</summary>
    public int RetentionBatchSize { get; set; } = 10_000;

    public sealed class Validator : IValidateOptions<AnalyticsOptions>
    {
        public ValidateOptionsResult Validate(string? name, AnalyticsOptions o) => new ValidatedOptions.Failures()
            .Check(o.FlushIntervalSeconds is >= 1 and <= 300,
                $"{Section}:{nameof(FlushIntervalSeconds)}", $"must be between 1 and 300 (got {o.FlushIntervalSeconds}).")
            .Check(o.MaxPendingKeys is >= 1_000 and <= 10_000_000,
                $"{Section}:{nameof(MaxPendingKeys)}", $"must be between 1000 and 10000000 (got {o.MaxPendingKeys}).")
            .Check(o.RetentionIntervalMinutes is >= 1 and <= 1_440,
                $"{Section}:{nameof(RetentionIntervalMinutes)}", $"must be between 1 and 1440 (got {o.RetentionIntervalMinutes}).")
            .Check(o.RetentionBatchSize is >= 1 and <= 1_000_000,
                $"{Section}:{nameof(RetentionBatchSize)}", $"must be between 1 and 1000000 (got {o.RetentionBatchSize}).")
            .Result();
    }
}
