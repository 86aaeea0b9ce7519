namespace AgentIdP.Portal;

/// <summary>The portal's top navigation, in one place.</summary>
public static class Navigation
{
    public static readonly (string Href, string Label)[] Items =
    [
        (PortalRoutes.Home, "Home"),
        (PortalRoutes.Agents, "Agents"),
        (PortalRoutes.Analytics, "Analytics"),
        (PortalRoutes.Usage, "Usage & plan"),
        (PortalRoutes.Compliance, "Compliance"),
    ];

    public static bool IsActive(HttpContext context, string href) =>
        href == PortalRoutes.Home ? context.Request.Path == PortalRoutes.Home : context.Request.Path.StartsWithSegments(href);
}
