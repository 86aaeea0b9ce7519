using System.Security.Claims;
using AgentIdP.Api.OAuth;
using Microsoft.AspNetCore.Authentication.JwtBearer;

namespace AgentIdP.Api.Auth;

/// <summary>
/// One mechanism for every caller: AgentIdP's own access tokens as bearer tokens, checked by <see cref="TokenValidator"/>
/// (keys from memory, revocations from memory). Policies gate on the token's scopes.
/// </summary>
public static class ApiAuthentication
{
    public const string PlatformAdmin = "platform-admin";
    public const string TenantAdmin = "tenant-admin";

    public static WebApplicationBuilder AddApiAuthentication(this WebApplicationBuilder builder)
    {
        builder.Services.AddAuthentication(JwtBearerDefaults.AuthenticationScheme).AddJwtBearer();
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<TokenValidator>((o, validator) =>
            {
                o.MapInboundClaims = false;
                o.TokenValidationParameters = validator.Parameters;
                o.Events = new JwtBearerEvents
                {
                    OnTokenValidated = ctx =>
                    {
                        var jti = ctx.Principal?.FindFirst(Claims.TokenId)?.Value;
                        if (jti is null || ctx.HttpContext.RequestServices.GetRequiredService<RevocationList>().IsRevoked(jti))
                        {
                            ctx.Fail("The token has been revoked.");
                        }
                        return Task.CompletedTask;
                    },
                };
            });
        builder.Services.AddAuthorizationBuilder()
            .AddPolicy(PlatformAdmin, p => p.RequireAssertion(c => c.User.HasScope(Scopes.PlatformAdmin)))
            .AddPolicy(TenantAdmin, p => p.RequireAssertion(c => c.User.HasScope(Scopes.TenantAdmin) && c.User.TenantIdOrNull() is not null));
        return builder;
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

    /// <summary>The caller's tenant; endpoints behind <see cref="TenantAdmin"/> always have one.</summary>
    public static Guid TenantId(this ClaimsPrincipal user) =>
        user.TenantIdOrNull() ?? throw new InvalidOperationException("The caller's token carries no tenant.");

    /// <summary>Who did it, for the audit ledger: the client id from the token.</summary>
    public static string Actor(this ClaimsPrincipal user) => user.FindFirst(Claims.ClientId)?.Value ?? "unknown";
}
