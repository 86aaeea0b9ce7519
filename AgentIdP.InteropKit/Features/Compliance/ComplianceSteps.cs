using System.Text.Json;
using System.Text.Json.Nodes;
using AgentIdP.InteropKit.Target;

namespace AgentIdP.InteropKit.Features.Compliance;

[Binding]
public sealed class ComplianceSteps(TargetClient target)
{
    private const string ReportPath = CompliancePaths.Report;
    private const string SignedReportPath = CompliancePaths.SignedReport;

    /// <summary>The profile's check ids; a report naming others is not reporting on this profile.</summary>
    public static readonly IReadOnlySet<string> ProfileCheckIds = new HashSet<string>
    {
        "AGT-ID-001", "AGT-ID-002", "AGT-KEY-001", "AGT-KEY-002", "AGT-CARD-001", "AGT-CARD-002", "AGT-CARD-003", "AGT-CARD-004",
        "AGT-CARD-005", "AGT-REC-001", "AGT-REC-002", "AGT-REC-003", "AGT-CRED-001", "AGT-AUD-001",
    };

    public static readonly IReadOnlySet<string> ResultLevels = new HashSet<string> { "NON_COMPLIANT", "MANDATORY", "RECOMMENDED", "FULL" };

    public static readonly IReadOnlySet<string> CheckStatuses = new HashSet<string> { "pass", "fail", "skip", "not_applicable" };

    private Answer? _answer;
    private Answer? _signed;

    private JsonObject Report => _answer!.JsonObject();

    [Given("the tenant's compliance report")]
    public async Task TenantReport()
    {
        _answer = await target.GetAsAdminAsync(ReportPath);
        if (_answer.Status == 404) throw Check.Skip($"the target serves no compliance report (GET {ReportPath} answered 404): compliance is off or not deployed");
        _answer.ExpectStatus(200).JsonObject();
    }

    [Then("the report's specVersions are a2a {string}, oasf {string} and agntcyIdentity {string}")]
    public void SpecVersions(string a2a, string oasf, string identity)
    {
        var versions = Report.Obj("specVersions") ?? throw Check.Fail("the report has no specVersions object");
        var problems = new[] { ("a2a", a2a), ("oasf", oasf), ("agntcyIdentity", identity) }
            .Where(v => versions.Str(v.Item1) != v.Item2)
            .Select(v => $"{v.Item1} is \"{versions.Str(v.Item1)}\", not \"{v.Item2}\"").ToList();
        Check.NoProblems(problems, "the report pins other spec versions");
    }

    [Then("the report has a summary and a result level the profile defines")]
    public void SummaryAndLevel()
    {
        Check.That(Report.Obj("summary") is not null, "the report has no summary object");
        var level = Report.Str("level");
        Check.That(level is not null && ResultLevels.Contains(level),
            $"the report's level is \"{level}\", not one of {string.Join(", ", ResultLevels)}");
    }

    [Then("every agent in the report lists checks with profile check ids and a status")]
    public void AgentChecks()
    {
        var agents = Report.Arr("agents") ?? throw Check.Fail("the report has no agents array");
        var problems = new List<string>();
        foreach (var (agent, i) in agents.Select((a, i) => (a, i)))
        {
            var name = agent.Str("name") ?? agent.Str("agentId") ?? $"#{i}";
            var checks = agent.Arr("checks");
            if (checks is not { Count: > 0 })
            {
                problems.Add($"agent {name} lists no checks");
                continue;
            }
            foreach (var check in checks)
            {
                if (check.Str("id") is not { } id || !ProfileCheckIds.Contains(id)) problems.Add($"agent {name} has a check with id \"{check.Str("id")}\"");
                if (check.Str("status") is not { } status || !CheckStatuses.Contains(status))
                {
                    problems.Add($"agent {name}'s check {check.Str("id")} has the status \"{check.Str("status")}\", not one of {string.Join(", ", CheckStatuses)}");
                }
            }
        }
        Check.NoProblems(problems, "the report's agent results are incomplete");
    }

    [When("the kit reads the signed report")]
    public async Task ReadSignedReport()
    {
        _signed = await target.GetAsAdminAsync(SignedReportPath);
        if (_signed.Status == 404) throw Check.Skip($"the target serves no signed report (GET {SignedReportPath} answered 404)");
        _signed.ExpectStatus(200);
    }

    [Then("the signed report is a compact JWS that verifies against the JWKS")]
    public async Task SignedReportVerifies()
    {
        var jws = Jws.ParseCompact(_signed!.Body.Trim(), "the signed report");
        Jws.Verify(jws.Header, jws.SigningInput, jws.Signature, await target.JwksAsync(), "the signed report");
    }

    [Then("the signed report's payload has the same specVersions as the report")]
    public void SignedPayloadMatches()
    {
        var payload = Jws.DecodeJson(Jws.ParseCompact(_signed!.Body.Trim(), "the signed report").EncodedPayload, "the signed report's payload");
        Check.That(JsonNode.DeepEquals(payload.Obj("specVersions"), Report.Obj("specVersions")),
            $"the signed report's specVersions are {payload.Obj("specVersions")?.ToJsonString() ?? "missing"}");
    }

    [Then("the report says the tenant's audit chain verifies")]
    public void AuditChainVerifies()
    {
        var audit = Report.Obj("auditChain") ?? throw Check.Fail("the report has no auditChain verification");
        Check.That(audit["valid"]?.GetValueKind() == JsonValueKind.True, $"the report's audit chain verification says {audit.ToJsonString()}");
    }

    [Then("the report answer has an ETag")]
    public void HasETag() => Check.That(_answer!.Header("ETag") is not null, "the report answer has no ETag");

    [Then("asking for the report again with If-None-Match answers 304 Not Modified")]
    public async Task Revalidates()
    {
        var again = await target.GetAsync(target.Url(ReportPath), await target.AdminTokenAsync(),
            new KeyValuePair<string, string>("If-None-Match", _answer!.Header("ETag")!));
        Check.That(again.Status == 304, $"with If-None-Match, {again.Describe()}");
    }
}
