namespace AgentIdP.Portal.SignIn;

/// <summary>
/// A signed-in tenant admin, as the portal keeps it in Redis: the admin's credentials (to renew the access token), the
/// access token they obtained and the times that bound the session. The browser holds only <see cref="Id"/>; in Redis
/// the secret and the token are encrypted with the portal's key ring.
/// </summary>
public sealed record PortalSession(
    string Id,
    string TenantId,
    string TenantName,
    string ClientId,
    string ClientSecret,
    string AccessToken,
    DateTimeOffset TokenIssuedAt,
    DateTimeOffset TokenExpiresAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset LastSeenAt)
{
    private static readonly object ItemKey = new();

    /// <summary>The session the cookie handler found for this request, or null when nobody is signed in.</summary>
    public static PortalSession? Of(HttpContext context) => context.Items.TryGetValue(ItemKey, out var s) ? s as PortalSession : null;

    public ClientCredentials Credentials => new(ClientId, ClientSecret);

    public void AttachTo(HttpContext context) => context.Items[ItemKey] = this;

    // Records print every member; the secret and the access token are credentials and must never reach a log line.
    public override string ToString() => $"{nameof(PortalSession)} {{ TenantId = {TenantId}, ClientId = {ClientId}, CreatedAt = {CreatedAt:O} }}";
}
