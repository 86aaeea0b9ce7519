namespace AgentIdP.Portal;

/// <summary>The portal's top navigation, in one place.</summary>
public static class Navigation
{
    public static readonly (string Href, string Label)[] Items =
    [
        ("/", "Home"),
    ];

    public static bool IsActive(HttpContext context, string href) =>
        href == "/" ? context.Request.Path == "/" : context.Request.Path.StartsWithSegments(href);
}
