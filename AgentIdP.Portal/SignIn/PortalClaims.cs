using System.Security.Claims;
using Microsoft.AspNetCore.Authentication.Cookies;

namespace AgentIdP.Portal.SignIn;

/// <summary>
/// The claims in the portal's sign-in cookie: the session id, which is only a key to the session in Redis, and the
/// tenant for display. No credential is in the cookie: the secret and the access token stay in Redis.
/// </summary>
public static class PortalClaims
{
    public const string SessionId = "agentidp:session_id";
    public const string TenantId = "agentidp:tenant_id";
    public const string TenantName = ClaimTypes.Name;

    public static ClaimsPrincipal Principal(PortalSession session) =>
        new(new ClaimsIdentity(
            [
                new Claim(SessionId, session.Id),
                new Claim(TenantId, session.TenantId),
                new Claim(TenantName, session.TenantName),
            ],
            CookieAuthenticationDefaults.AuthenticationScheme, TenantName, ClaimTypes.Role));

    public static string? SessionIdOf(this ClaimsPrincipal user) => user.FindFirstValue(SessionId);

    public static string? TenantNameOf(this ClaimsPrincipal user) => user.FindFirstValue(TenantName);
}
