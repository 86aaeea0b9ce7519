using AgentIdP.Portal.Agents;
using AgentIdP.Portal.Api;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AgentIdP.Portal;

/// <summary>What every signed-in page can show besides its own content: a notice, a one-time secret, an API problem.</summary>
public abstract class PortalPageModel : PageModel
{
    /// <summary>A one-line confirmation carried over a POST-redirect-GET.</summary>
    [TempData]
    public string? Notice { get; set; }

    public OneTimeSecret? NewSecret { get; private set; }

    public ApiProblem? Problem { get; protected set; }

    /// <summary>Takes the secret a create or rotate left for this response, and keeps the page out of every cache.</summary>
    protected void TakeOneTimeSecret()
    {
        NewSecret = OneTimeSecret.Take(TempData);
        if (NewSecret is not null) Response.Headers.CacheControl = "no-store";
    }

    protected void ShowSecretAfterRedirect(OneTimeSecret secret) => secret.Store(TempData);

    /// <summary>Only local URLs are followed back, so a crafted form cannot send the admin elsewhere.</summary>
    protected IActionResult RedirectBack(string? returnUrl, string fallback) =>
        LocalRedirect(!string.IsNullOrEmpty(returnUrl) && Url.IsLocalUrl(returnUrl) ? returnUrl : fallback);
}
