using System.Security.Claims;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace AgentIdP.Api.Auth;

/// <summary>
/// Who is calling, decided before anything else looks at a request: AgentIdP's own access tokens as bearer tokens on
/// the API, and client authentication (<c>client_secret_basic</c>, <c>client_secret_post</c>, <c>private_key_jwt</c>)
/// on the OAuth endpoints that require it. One selector picks the scheme by route; the OAuth feature registers both
/// handlers. Everything after authentication (tier limits, analytics, authorization) reads only the principal.
/// </summary>
public static class ApiAuthentication
{
    public const string PlatformAdmin = "platform-admin";
    public const string TenantAdmin = "tenant-admin";

    /// <summary>The default scheme: forwards to <see cref="BearerScheme"/> or <see cref="ClientScheme"/>.</summary>
    public const string Scheme = "AgentIdP";
    public const string BearerScheme = JwtBearerDefaults.AuthenticationScheme;
    /// <summary>OAuth client authentication on the token, introspection and revocation endpoints.</summary>
    public const string ClientScheme = "OAuthClient";

    /// <summary>
    /// The client id a failed client authentication named (in <see cref="AuthenticationProperties.Items"/>), so the
    /// failed-authentication limiter can key on it. Unverified: it is never used to choose whose limits apply.
    /// </summary>
    public const string NamedClientIdItem = "named_client_id";

    /// <summary>The OAuth endpoints whose callers authenticate as clients (POST only).</summary>
    public static readonly string[] ClientAuthenticatedPaths = ["/oauth2/token", "/oauth2/introspect", "/oauth2/revoke"];

    public static WebApplicationBuilder AddApiAuthentication(this WebApplicationBuilder builder)
    {
        builder.Services.AddAuthentication(Scheme).AddPolicyScheme(Scheme, "Bearer token or OAuth client", o =>
            o.ForwardDefaultSelector = context => IsClientAuthenticated(context.Request) ? ClientScheme : BearerScheme);
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(PlatformAdmin, p => p.RequireAssertion(c => !c.User.IsClient() && c.User.HasScope(Scopes.PlatformAdmin)))
            .AddPolicy(TenantAdmin, p => p.RequireAssertion(c => !c.User.IsClient() && c.User.HasScope(Scopes.TenantAdmin) && c.User.TenantIdOrNull() is not null));
        return builder;
    }

    public static bool IsClientAuthenticated(HttpRequest request)
    {
        if (!HttpMethods.IsPost(request.Method)) return false;
        foreach (var path in ClientAuthenticatedPaths)
        {
            if (request.Path.Equals(path, StringComparison.OrdinalIgnoreCase)) return true;
        }
        return false;
    }

    public static RouteGroupBuilder RequirePlatformAdmin(this RouteGroupBuilder group) => group.RequireAuthorization(PlatformAdmin);
    public static RouteGroupBuilder RequireTenantAdmin(this RouteGroupBuilder group) => group.RequireAuthorization(TenantAdmin);

    public static bool HasScope(this ClaimsPrincipal user, string scope)
    {
        var scopes = user.FindFirst(Claims.Scope)?.Value;
        if (scopes is null) return false;
        foreach (var range in scopes.AsSpan().Split(' '))
        {
            if (scopes.AsSpan()[range].SequenceEqual(scope)) return true;
        }
        return false;
    }

    public static Guid? TenantIdOrNull(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirst(Claims.TenantId)?.Value, out var id) ? id : null;

    public static Guid? AgentIdOrNull(this ClaimsPrincipal user) =>
        Guid.TryParse(user.FindFirst(Claims.AgentId)?.Value, out var id) ? id : null;

    /// <summary>True for a principal made by client authentication on an OAuth endpoint, not by a bearer token.</summary>
    public static bool IsClient(this ClaimsPrincipal user) => user.Identity?.AuthenticationType == ClientScheme;

    /// <summary>The caller's tenant; endpoints behind <see cref="TenantAdmin"/> always have one.</summary>
    public static Guid TenantId(this ClaimsPrincipal user) =>
        user.TenantIdOrNull() ?? throw new InvalidOperationException("The caller's token carries no tenant.");

    /// <summary>Who did it, for the audit ledger: the client id from the token.</summary>
    public static string Actor(this ClaimsPrincipal user) => user.FindFirst(Claims.ClientId)?.Value ?? "unknown";
}
