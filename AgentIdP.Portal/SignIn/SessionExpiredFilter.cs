using AgentIdP.Portal.Api;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;

namespace AgentIdP.Portal.SignIn;

/// <summary>
/// When the API stops accepting the signed-in client (its secret was rotated, the client was removed), the cookie
/// is worthless: sign the user out and send them to the sign-in page, saying why, instead of failing every page.
/// </summary>
public sealed partial class SessionExpiredFilter(AccessTokens tokens, ILogger<SessionExpiredFilter> logger) : IAsyncPageFilter
{
    public Task OnPageHandlerSelectionAsync(PageHandlerSelectedContext context) => Task.CompletedTask;

    public async Task OnPageHandlerExecutionAsync(PageHandlerExecutingContext context, PageHandlerExecutionDelegate next)
    {
        var executed = await next();
        if (executed.Exception is not ApiSessionExpiredException || executed.ExceptionHandled) return;

        var http = context.HttpContext;
        var clientId = http.User.Credentials()?.ClientId;
        if (clientId is not null) tokens.Forget(clientId);
        LogSessionEnded(logger, clientId ?? "(none)", executed.Exception.Message);
        await http.SignOutAsync(PortalSignIn.Scheme);

        // After signing in again a GET comes back to the same view; a POST's handler must not be replayed by a GET.
        var returnUrl = HttpMethods.IsGet(http.Request.Method) ? $"{http.Request.PathBase}{http.Request.Path}{http.Request.QueryString}"
            : $"{http.Request.PathBase}{http.Request.Path}";
        executed.ExceptionHandled = true;
        executed.Result = new RedirectResult(PortalRoutes.SignInAgain(SignInReason.Expired, returnUrl));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "The API no longer accepts client {ClientId}; signed out ({Reason})")]
    private static partial void LogSessionEnded(ILogger logger, string clientId, string reason);
}
