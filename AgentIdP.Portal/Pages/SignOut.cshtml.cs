using AgentIdP.Portal.SignIn;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AgentIdP.Portal.Pages;

/// <summary>
/// Signing out is a POST (a link could be followed by a prefetcher); a GET offers the button. The session is deleted
/// from Redis, so a copy of the cookie stops working too.
/// </summary>
public sealed class SignOutModel(SessionStore sessions) : PageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (PortalSession.Of(HttpContext) is { } session) await sessions.EndAsync(session, "signed out");
        await HttpContext.SignOutAsync(PortalSignIn.Scheme);
        return LocalRedirect(PortalRoutes.SignInAgain(SignInReason.SignedOut, returnUrl: null));
    }
}
