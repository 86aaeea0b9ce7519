using AgentIdP.Portal.SignIn;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AgentIdP.Portal.Pages;

/// <summary>Signing out is a POST (a link could be followed by a prefetcher); a GET offers the button.</summary>
public sealed class SignOutModel(AccessTokens tokens) : PageModel
{
    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync()
    {
        if (User.Credentials() is { } credentials) tokens.Forget(credentials.ClientId);
        await HttpContext.SignOutAsync(PortalSignIn.Scheme);
        return LocalRedirect(PortalRoutes.SignInAgain(SignInReason.SignedOut, returnUrl: null));
    }
}
