namespace AgentIdP.Portal.SignIn;

/// <summary>
/// A signed-in tenant admin, as the portal keeps it in Redis: the access token the admin's credentials obtained at
/// sign-in (never the secret) and the times that bound the session. The browser holds only <see cref="Id"/>.
/// </summary>
public sealed record PortalSession(
    string Id,
    string TenantId,
    string TenantName,
    string ClientId,
    string AccessToken,
    DateTimeOffset TokenExpiresAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastSeenAt)
{
    private static readonly object ItemKey = new();

    /// <summary>The session the cookie handler found for this request, or null when nobody is signed in.</summary>
    public static PortalSession? Of(HttpContext context) => context.Items.TryGetValue(ItemKey, out var s) ? s as PortalSession : null;

    public void AttachTo(HttpContext context) => context.Items[ItemKey] = this;

    // Records print every member; the access token is a bearer credential and must never reach a log line.
    public override string ToString() => $"{nameof(PortalSession)} {{ TenantId = {TenantId}, ClientId = {ClientId}, CreatedAt = {CreatedAt:O} }}";
}
