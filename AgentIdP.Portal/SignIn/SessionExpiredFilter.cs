using AgentIdP.Portal.Api;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace AgentIdP.Portal.SignIn;

/// <summary>
/// When the API stops accepting the session's access token (it was revoked, the admin's secret was rotated with
/// revocation, the client was removed), the session is worthless: delete it from Redis, so no copy of the cookie
/// works either, sign the user out and send them to the sign-in page, saying why, instead of failing every page.
/// </summary>
public sealed partial class SessionExpiredFilter(SessionStore sessions, ILogger<SessionExpiredFilter> logger) : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var executed = await next();
        if (executed.Exception is not ApiSessionExpiredException || executed.ExceptionHandled) return;

        var http = context.HttpContext;
        var session = PortalSession.Of(http);
        LogSessionRefused(logger, session?.TenantId ?? "(none)", executed.Exception.Message);
        if (session is not null)
        {
            try
            {
                await sessions.EndAsync(session, "the API refused its access token");
            }
            catch (SessionStoreUnavailableException e)
            {
                // Its token is dead anyway, and the key's TTL removes it; the browser's copy goes below.
                LogSessionNotDeleted(logger, session.TenantId, e.InnerException?.Message ?? e.Message);
            }
        }
        await http.SignOutAsync(PortalSignIn.Scheme);

        // After signing in again a GET comes back to the same view; a POST's handler must not be replayed by a GET.
        var returnUrl = HttpMethods.IsGet(http.Request.Method) ? $"{http.Request.PathBase}{http.Request.Path}{http.Request.QueryString}"
            : $"{http.Request.PathBase}{http.Request.Path}";
        executed.ExceptionHandled = true;
        executed.Result = new RedirectResult(PortalRoutes.SignInAgain(SignInReason.Expired, returnUrl));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The API refused the portal session of tenant {TenantId}; session ended ({Reason})")]
    private static partial void LogSessionRefused(ILogger logger, string tenantId, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The refused portal session of tenant {TenantId} could not be deleted: {Reason}")]
    private static partial void LogSessionNotDeleted(ILogger logger, string tenantId, string reason);
}
