using AgentIdP.Portal.Api;
using AgentIdP.Portal.Compliance;

namespace AgentIdP.Portal;

public sealed partial class ApiClient
{
    public Task<ApiResult<ComplianceReport>> GetComplianceReportAsync(CancellationToken ct) =>
        SendAsync<ComplianceReport>(HttpMethod.Get, ApiPaths.ComplianceReport, body: null, ct);

    /// <summary>One of the compliance documents as the API serves it: the report (JSON or JWS), an agent's card or record.</summary>
    public Task<ApiResult<FileDownload>> DownloadAsync(string path, CancellationToken ct) => SendAsync<FileDownload>(HttpMethod.Get, path, body: null, ct);
}
