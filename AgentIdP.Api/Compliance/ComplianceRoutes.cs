using AgentIdP.Api.Platform;
using Microsoft.Extensions.Options;

namespace AgentIdP.Api.Compliance;

/// <summary>Where cards, records and reports live, as route templates and as absolute URLs under the issuer.</summary>
public sealed class ComplianceRoutes(IOptions<IdentityOptions> options)
{
    public const string PublicAgent = "/tenants/{tenantId:guid}/agents/{agentId:guid}";
    public const string PublicCard = "/.well-known/agent-card.json";
    public const string PublicRecord = "/oasf-record.json";
    public const string AdminCard = "/{id:guid}/card";
    public const string AdminRecord = "/{id:guid}/oasf-record";
    public const string Report = "/api/compliance/report";
    public const string SignedReport = Report + ".jws";

    private readonly string _issuer = options.Value.IssuerWithoutSlash;

    public string CardUrl(Guid tenantId, Guid agentId) => $"{_issuer}/tenants/{tenantId}/agents/{agentId}{PublicCard}";

    public string RecordUrl(Guid tenantId, Guid agentId) => $"{_issuer}/tenants/{tenantId}/agents/{agentId}{PublicRecord}";
}
