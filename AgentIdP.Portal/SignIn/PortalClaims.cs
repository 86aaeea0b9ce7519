using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace AgentIdP.Portal.SignIn;

/// <summary>
/// The claims in the portal's sign-in cookie. The cookie is encrypted with Data Protection, so the client secret
/// it carries is readable only by the portal, which needs it to get API tokens for the signed-in tenant admin.
/// </summary>
public static class PortalClaims
{
    public const string ClientId = "agentidp:client_id";
    public const string ClientSecret = "agentidp:client_secret";
    public const string TenantId = "agentidp:tenant_id";
    public const string TenantName = ClaimTypes.Name;

    public static ClaimsPrincipal Principal(ClientCredentials credentials, Tenant tenant) =>
        new(new ClaimsIdentity(
            [
                new Claim(ClientId, credentials.ClientId),
                new Claim(ClientSecret, credentials.ClientSecret),
                new Claim(TenantId, tenant.Id),
                new Claim(TenantName, tenant.Name),
            ],
            CookieAuthenticationDefaults.AuthenticationScheme, TenantName, ClaimTypes.Role));

    /// <summary>The signed-in tenant admin's credentials, or null when nobody is signed in.</summary>
    public static ClientCredentials? Credentials(this ClaimsPrincipal user) =>
        user.FindFirstValue(ClientId) is { } id && user.FindFirstValue(ClientSecret) is { } secret ? new(id, secret) : null;

    public static string? TenantNameOf(this ClaimsPrincipal user) => user.FindFirstValue(TenantName);
}
