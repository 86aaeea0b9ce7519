using AgentIdP.Portal.SignIn;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AgentIdP.Portal.Tests.SignIn;

/// <summary>Reads a portal cookie the way the portal does, with the portal's own key ring, and finds its session.</summary>
internal static class SessionCookie
{
    /// <summary>The purposes ASP.NET Core's cookie handler protects its tickets with.</summary>
    private static readonly string[] TicketPurposes =
        ["Microsoft.AspNetCore.Authentication.Cookies.CookieAuthenticationMiddleware", PortalSignIn.Scheme, "v2"];

    public static AuthenticationTicket Ticket(PortalFactory portal, string cookieValue) =>
        portal.Services.GetRequiredService<IOptionsMonitor<CookieAuthenticationOptions>>().Get(PortalSignIn.Scheme)
            .TicketDataFormat.Unprotect(cookieValue) ?? throw new InvalidOperationException("The portal cannot read this cookie.");

    /// <summary>Every byte the cookie decrypts to: what anyone holding the key ring would see.</summary>
    public static byte[] Plaintext(PortalFactory portal, string cookieValue) =>
        portal.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(TicketPurposes[0], TicketPurposes[1..])
            .Unprotect(WebEncoders.Base64UrlDecode(cookieValue));

    public static string SessionId(PortalFactory portal, string cookieValue) =>
        Ticket(portal, cookieValue).Principal.SessionIdOf() ?? throw new InvalidOperationException("The cookie names no session.");

    /// <summary>The live session the cookie points to (this counts as a use), or null.</summary>
    public static Task<PortalSession?> SessionAsync(PortalFactory portal, string cookieValue) =>
        portal.Services.GetRequiredService<SessionStore>().ResumeAsync(SessionId(portal, cookieValue));

    /// <summary>The session's value in Redis as stored (encrypted parts included), without touching it.</summary>
    public static async Task<string?> StoredAsync(PortalFactory portal, string sessionId) =>
        await portal.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase().StringGetAsync(SessionStore.Key(sessionId));

    /// <summary>Whether Redis still holds the session, without touching it.</summary>
    public static Task<bool> InRedisAsync(PortalFactory portal, string sessionId) =>
        portal.Services.GetRequiredService<IConnectionMultiplexer>().GetDatabase().KeyExistsAsync(SessionStore.Key(sessionId));
}
