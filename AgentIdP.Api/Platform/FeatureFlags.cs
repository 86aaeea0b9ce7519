namespace AgentIdP.Api.Platform;

/// <summary>
/// Release flags, read from the configuration root so they can be set as plain environment variables.
/// </summary>
public sealed class FeatureFlags
{
    public const string AnalyticsKey = "ANALYTICS_ENABLED";
    public const string TierEnforcementKey = "TIER_ENFORCEMENT";
    public const string ComplianceKey = "COMPLIANCE_ENABLED";
    public const string DemoSeedKey = "DEMO_SEED";

    /// <summary>Record analytics and serve the analytics endpoints (default on).</summary>
    [ConfigurationKeyName(AnalyticsKey)]
    public bool AnalyticsEnabled { get; set; } = true;

    /// <summary>Reject requests over the tier's limits; <c>false</c> (the default) is shadow mode: count, never reject.</summary>
    [ConfigurationKeyName(TierEnforcementKey)]
    public bool TierEnforcement { get; set; }

    /// <summary>Serve compliance reports, agent cards and OASF records (default on).</summary>
    [ConfigurationKeyName(ComplianceKey)]
    public bool ComplianceEnabled { get; set; } = true;

    /// <summary>Seed the demo tenant at startup (idempotent; default off, the AppHost turns it on).</summary>
    [ConfigurationKeyName(DemoSeedKey)]
    public bool DemoSeed { get; set; }
}
