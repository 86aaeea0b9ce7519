using AgentIdP.Portal.Api;
using AgentIdP.Portal.Compliance;
using Microsoft.AspNetCore.Mvc;

namespace AgentIdP.Portal.Pages.Compliance;

/// <summary>The tenant's AGNTCY compliance: resulting level, counts by level, every agent's checks, and the documents to download.</summary>
public sealed class IndexModel(ApiClient api) : PortalPageModel
{
    public const string Report = "report";
    public const string SignedReport = "signed-report";
    public const string Card = "card";
    public const string Record = "record";

    public ComplianceReport? ComplianceReport { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    /// <summary>Passes one document through from the API as a file download; the browser never holds an API token.</summary>
    public async Task<IActionResult> OnGetDownloadAsync(string document, Guid? agent, CancellationToken ct)
    {
        var (path, fileName) = document switch
        {
            Report => (ApiPaths.ComplianceReport, "compliance-report.json"),
            SignedReport => (ApiPaths.SignedComplianceReport, "compliance-report.jws"),
            Card when agent is { } id => (ApiPaths.AgentCard(id), $"agent-card-{id}.json"),
            Record when agent is { } id => (ApiPaths.AgentRecord(id), $"oasf-record-{id}.json"),
            _ => (null, null),
        };
        if (path is null) return NotFound();
        var file = await api.DownloadAsync(path, ct);
        if (file.Succeeded) return File(file.Value.Content, file.Value.ContentType, fileName);

        Problem = file.Problem;
        await LoadAsync(ct);
        return Page();
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var report = await api.GetComplianceReportAsync(ct);
        if (report.Succeeded) ComplianceReport = report.Value;
        else Problem ??= report.Problem;
    }
}
