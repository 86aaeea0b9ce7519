using Microsoft.AspNetCore.Authentication.Cookies;

namespace AgentIdP.Portal.SignIn;

/// <summary>
/// Sign-in with tenant-admin client credentials, kept in an encrypted cookie; every page but the public ones needs it.
/// </summary>
public static class PortalSignIn
{
    public const string Scheme = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string CookieName = "agentidp.portal";

    /// <summary>How long a sign-in lasts without use; the API decides how long the credentials themselves stay good.</summary>
    public static readonly TimeSpan IdleTimeout = TimeSpan.FromHours(8);

    /// <summary>Pages anyone may see.</summary>
    public static readonly string[] PublicPages = [PortalRoutes.Pages.Home, PortalRoutes.Pages.Error, PortalRoutes.Pages.SignIn];

    public static WebApplicationBuilder AddPortalSignIn(this WebApplicationBuilder builder)
    {
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddMemoryCache();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddTransient<AccessTokens>();
        builder.Services.AddHttpClient<TokenEndpoint>(c => c.BaseAddress = ApiClientExtensions.ApiBaseAddress);

        builder.Services.AddAuthentication(Scheme).AddCookie(Scheme, o =>
        {
            o.Cookie.Name = CookieName;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            o.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            o.ExpireTimeSpan = IdleTimeout;
            o.SlidingExpiration = true;
            o.LoginPath = PortalRoutes.SignIn;
            o.LogoutPath = PortalRoutes.SignOut;
            o.AccessDeniedPath = PortalRoutes.SignIn;
            o.ReturnUrlParameter = PortalRoutes.ReturnUrlParameter;
        });
        builder.Services.AddAuthorization();
        return builder;
    }

    public static WebApplication UsePortalSignIn(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }
}
