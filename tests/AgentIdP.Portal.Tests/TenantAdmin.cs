using AgentIdP.Portal.SignIn;

namespace AgentIdP.Portal.Tests;

/// <summary>A tenant made for one test, and its admin client's credentials.</summary>
public sealed record TenantAdmin(Guid TenantId, string TenantName, string ClientId, string ClientSecret)
{
    public ClientCredentials Credentials => new(ClientId, ClientSecret);
}
