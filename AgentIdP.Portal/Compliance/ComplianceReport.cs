namespace AgentIdP.Portal.Compliance;

/// <summary>The API's compliance report, as much of it as the compliance page shows (the download keeps every byte).</summary>
public sealed record ComplianceReport(
    string ReportSchemaVersion, string Profile, SpecVersions SpecVersions, DateTimeOffset GeneratedAt, DateTimeOffset CachedUntil,
    ReportTenant Tenant, string Level, Dictionary<string, Dictionary<string, int>> Summary, AuditChainResult AuditChain,
    CheckDefinition[] Checks, AgentResult[] Agents)
{
    public static readonly string[] Levels = ["MUST", "SHOULD", "MAY"];
    public static readonly string[] Statuses = ["pass", "fail", "skip", "not_applicable"];

    public int Count(string level, string status) =>
        Summary.TryGetValue(level, out var counts) && counts.TryGetValue(status, out var n) ? n : 0;

    public string TitleOf(string checkId) => Checks.FirstOrDefault(c => c.Id == checkId)?.Title ?? checkId;
}

public sealed record SpecVersions(string A2a, string Oasf, string AgntcyIdentity);

public sealed record ReportTenant(Guid Id, string Name, string Tier);

public sealed record AuditChainResult(bool Valid, long Events, string? HeadHash, long? FirstBrokenSeq, Guid? FirstBrokenEventId, string? Reason);

public sealed record CheckDefinition(string Id, string Level, string Title, string Source);

public sealed record CheckResult(string Id, string Level, string Status, string Evidence)
{
    public bool Passed => Status is "pass" or "not_applicable";
}

public sealed record AgentResult(Guid AgentId, string Name, string ClientId, string Status, string Did, string CardUrl, string RecordUrl,
    string Level, CheckResult[] Checks)
{
    public IEnumerable<CheckResult> NotPassing => Checks.Where(c => !c.Passed);
}
