using System.ComponentModel.DataAnnotations;
using AgentIdP.Portal.SignIn;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AgentIdP.Portal.Pages;

/// <summary>
/// Signs a tenant admin in: the credentials must obtain a token from the API, then name the tenant they administer.
/// The session keeps the credentials (encrypted, in Redis) to renew the token until it ends.
/// </summary>
public sealed class SignInModel(TokenEndpoint tokenEndpoint, SessionStore sessions, ApiClient api) : PageModel
{
    [BindProperty]
    public SignInForm Input { get; set; } = new();

    [BindProperty(SupportsGet = true, Name = PortalRoutes.ReturnUrlParameter)]
    public string? ReturnUrl { get; set; }

    [BindProperty(SupportsGet = true, Name = PortalRoutes.ReasonParameter)]
    public string? Reason { get; set; }

    /// <summary>Why sign-in failed, with the RFC 6749 error code when the token endpoint gave one.</summary>
    public (string Message, string? Code)? Failure { get; private set; }

    public void OnGet()
    {
    }

    public async Task<IActionResult> OnPostAsync(CancellationToken ct)
    {
        Reason = null;
        if (!ModelState.IsValid) return Page();

        var credentials = new ClientCredentials(Input.ClientId.Trim(), Input.ClientSecret);
        var token = await tokenEndpoint.RequestAsync(credentials, ct);
        if (!token.Succeeded)
        {
            Failure = (token.Error.Message, token.Error.Error);
            return Page();
        }

        var tenant = await api.GetTenantAsync(token.AccessToken, ct);
        if (!tenant.Succeeded)
        {
            Failure = (tenant.Problem.Status == StatusCodes.Status403Forbidden
                ? $"These credentials are not a tenant admin's: {tenant.Problem.Message}"
                : tenant.Problem.Message, null);
            return Page();
        }

        PortalSession session;
        try
        {
            // Signing in again over a live session replaces it rather than leaving it behind in Redis.
            if (PortalSession.Of(HttpContext) is { } previous) await sessions.EndAsync(previous, "replaced by a new sign-in");
            session = await sessions.StartAsync(tenant.Value, credentials, token);
        }
        catch (SessionStoreUnavailableException)
        {
            Failure = (UnavailableMessage, null);
            Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return Page();
        }
        await HttpContext.SignInAsync(PortalSignIn.Scheme, PortalClaims.Principal(session));
        return LocalRedirect(!string.IsNullOrEmpty(ReturnUrl) && Url.IsLocalUrl(ReturnUrl) ? ReturnUrl : PortalRoutes.Agents);
    }

    public const string UnavailableMessage =
        "The portal cannot reach its session store right now, so nobody can sign in. Try again in a moment.";

    public sealed class SignInForm
    {
        [Required(ErrorMessage = "Enter the client id.")]
        [Display(Name = "Client ID")]
        public string ClientId { get; set; } = "";

        [Required(ErrorMessage = "Enter the client secret.")]
        [Display(Name = "Client secret")]
        [DataType(DataType.Password)]
        public string ClientSecret { get; set; } = "";
    }
}
