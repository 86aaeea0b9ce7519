using AgentIdP.Api.Platform;
using Microsoft.Extensions.Options;

namespace AgentIdP.Api.Dids;

/// <summary>
/// did:web identifiers for agents under this host (W3C did:web method): the DID
/// <c>did:web:host%3Aport:tenants:{tenant}:agents:{agent}</c> resolves to
/// <c>https://host:port/tenants/{tenant}/agents/{agent}/did.json</c>.
/// </summary>
public sealed class DidWeb(IOptions<IdentityOptions> options)
{
    public const string DocumentRoute = "/tenants/{tenantId:guid}/agents/{agentId:guid}/did.json";
    private readonly Uri _issuer = new(options.Value.IssuerWithoutSlash + "/");

    public string Did(Guid tenantId, Guid agentId)
    {
        var host = _issuer.IsDefaultPort ? _issuer.Host : $"{_issuer.Host}%3A{_issuer.Port}";
        var path = _issuer.AbsolutePath.Trim('/').Replace('/', ':');
        return $"did:web:{host}{(path.Length > 0 ? ":" + path : "")}:tenants:{tenantId}:agents:{agentId}";
    }

    public string DocumentUrl(Guid tenantId, Guid agentId) => new Uri(_issuer, $"tenants/{tenantId}/agents/{agentId}/did.json").ToString();
}
