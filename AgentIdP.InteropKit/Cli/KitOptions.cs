using AgentIdP.InteropKit.Running;

namespace AgentIdP.InteropKit;

/// <summary>What one kit run checks and where it writes its reports.</summary>
public sealed record KitOptions
{
    public required Uri BaseUrl { get; init; }
    public required string ClientId { get; init; }
    public required string ClientSecret { get; init; }

    /// <summary>One agent card to check instead of the cards of the tenant's agents.</summary>
    public Uri? AgentCardUrl { get; init; }

    /// <summary>The lowest level that runs: MUST runs MUST scenarios only, MAY runs everything.</summary>
    public RequirementLevel Level { get; init; } = RequirementLevel.May;

    /// <summary>A Cucumber tag expression narrowing the scenarios, or null for all.</summary>
    public string? Tags { get; init; }

    /// <summary>Where reports go; null writes none.</summary>
    public string? OutDir { get; init; }

    /// <summary>An extra filter for programmatic runs (one xunit case per scenario).</summary>
    public Func<KitScenario, bool>? Only { get; init; }

    /// <summary>Per-request timeout against the target.</summary>
    public TimeSpan RequestTimeout { get; init; } = TimeSpan.FromSeconds(30);
}
