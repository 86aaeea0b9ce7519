using Microsoft.AspNetCore.WebUtilities;

namespace AgentIdP.Portal;

/// <summary>
/// The portal's URLs in one place, for redirects, links and the cookie handler. The <c>@page</c> directives must
/// repeat <see cref="AgentTemplate"/> as a literal (Razor needs a constant string there); the other pages take
/// their route from their file name, lower-cased by <c>RouteOptions.LowercaseUrls</c>.
/// </summary>
public static class PortalRoutes
{
    public const string Home = "/";
    public const string SignIn = "/signin";
    public const string SignOut = "/signout";
    public const string Agents = "/agents";
    public const string Error = "/Error";

    /// <summary>The agent detail page's route template.</summary>
    public const string AgentTemplate = "/agents/{id:guid}";

    /// <summary>Query parameter the sign-in page reads to go back where the user was.</summary>
    public const string ReturnUrlParameter = "returnUrl";

    /// <summary>Query parameter telling the sign-in page why the user is there (see <see cref="SignInReason"/>).</summary>
    public const string ReasonParameter = "reason";

    /// <summary>Page names for <c>RedirectToPage</c> and <c>asp-page</c>.</summary>
    public static class Pages
    {
        public const string SignIn = "/SignIn";
        public const string Agents = "/Agents/Index";
        public const string Agent = "/Agents/Detail";
    }

    public static string Agent(Guid id) => $"{Agents}/{id}";

    public static string AgentsPage(int page, int pageSize) =>
        QueryHelpers.AddQueryString(Agents, new Dictionary<string, string?>
        {
            ["page"] = page.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["pageSize"] = pageSize.ToString(System.Globalization.CultureInfo.InvariantCulture),
        });

    public static string SignInAgain(string reason, string? returnUrl)
    {
        var query = new Dictionary<string, string?> { [ReasonParameter] = reason };
        if (!string.IsNullOrEmpty(returnUrl)) query[ReturnUrlParameter] = returnUrl;
        return QueryHelpers.AddQueryString(SignIn, query);
    }
}

/// <summary>Why the sign-in page is shown, so it can say so.</summary>
public static class SignInReason
{
    /// <summary>The API stopped accepting the stored credentials (for example the secret was rotated).</summary>
    public const string Expired = "expired";

    public const string SignedOut = "signed-out";
}
