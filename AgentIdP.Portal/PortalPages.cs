using AgentIdP.Portal.SignIn;

namespace AgentIdP.Portal;

public static class PortalPages
{
    /// <summary>Razor Pages with lower-case URLs, sign-in required except on the public pages, and API session expiry handled.</summary>
    public static WebApplicationBuilder AddPortalPages(this WebApplicationBuilder builder)
    {
        builder.Services.Configure<RouteOptions>(o => o.LowercaseUrls = true);
        builder.Services.AddRazorPages(o =>
            {
                o.Conventions.AuthorizeFolder("/");
                foreach (var page in PortalSignIn.PublicPages) o.Conventions.AllowAnonymousToPage(page);
            })
            .AddMvcOptions(o => o.Filters.Add<SessionExpiredFilter>());
        return builder;
    }
}
