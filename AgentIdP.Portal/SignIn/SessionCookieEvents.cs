using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.AspNetCore.WebUtilities;

namespace AgentIdP.Portal.SignIn;

/// <summary>
/// Turns the cookie's session id into the live session on every page request, renewing its access token when it is
/// about to expire. A cookie whose session has ended (sign-out, a timeout, the API refusing its token or its
/// credentials) is rejected and deleted; when Redis does not answer the request is refused with 503, and the cookie is
/// kept for when it does.
/// </summary>
public sealed partial class SessionCookieEvents(SessionStore sessions, TokenEndpoint tokenEndpoint, ILogger<SessionCookieEvents> logger)
    : CookieAuthenticationEvents
{
    /// <summary>Why this request's cookie was rejected: a <see cref="SignInReason"/>, or <see cref="Unavailable"/>.</summary>
    private static readonly object Outcome = new();
    private const string Unavailable = "unavailable";

    public override async Task ValidatePrincipal(CookieValidatePrincipalContext context)
    {
        var http = context.HttpContext;
        if (!IsPage(http))
        {
            // Authentication runs for every endpoint, but only pages use the session: static files, /health and /alive
            // are answered as anonymous, without a Redis read or write each (and with Redis away).
            context.RejectPrincipal();
            return;
        }
        try
        {
            var session = context.Principal?.SessionIdOf() is { } id ? await sessions.ResumeAsync(id) : null;
            var renewing = session is not null && sessions.NeedsRenewal(session);
            if (renewing) session = await sessions.RenewAsync(session!, c => tokenEndpoint.RequestAsync(c, http.RequestAborted));
            if (session is not null)
            {
                session.AttachTo(http);
                return;
            }
            http.Items[Outcome] = renewing ? SignInReason.Expired : SignInReason.Ended;
            context.RejectPrincipal();
            await http.SignOutAsync(PortalSignIn.Scheme);
        }
        catch (SessionStoreUnavailableException e)
        {
            LogStoreUnavailable(logger, e.InnerException?.Message ?? e.Message);
            http.Items[Outcome] = Unavailable;
            context.RejectPrincipal();
        }
    }

    private static bool IsPage(HttpContext http) => http.GetEndpoint()?.Metadata.GetMetadata<PageActionDescriptor>() is not null;

    public override Task RedirectToLogin(RedirectContext<CookieAuthenticationOptions> context)
    {
        switch (context.HttpContext.Items[Outcome])
        {
            case Unavailable:
                // Fail closed, but say so: the error page explains that sessions cannot be checked right now.
                context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
                context.Response.Headers.RetryAfter = "5";
                return Task.CompletedTask;
            case string reason:
                context.RedirectUri = QueryHelpers.AddQueryString(context.RedirectUri, PortalRoutes.ReasonParameter, reason);
                break;
        }
        return base.RedirectToLogin(context);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session store unavailable; request refused with 503: {Reason}")]
    private static partial void LogStoreUnavailable(ILogger logger, string reason);
}
