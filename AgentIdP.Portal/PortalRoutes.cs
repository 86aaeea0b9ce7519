using Microsoft.AspNetCore.WebUtilities;

namespace AgentIdP.Portal;

/// <summary>
/// The portal's URLs in one place, for redirects, links and the cookie handler. Pages take their route from their
/// file name, lower-cased by <c>RouteOptions.LowercaseUrls</c>; only the agent page's <c>@page</c> directive names
/// one (<c>/agents/{id:guid}</c>), as a literal because Razor accepts nothing else there.
/// </summary>
public static class PortalRoutes
{
    public const string Home = "/";
    public const string SignIn = "/signin";
    public const string SignOut = "/signout";
    public const string Agents = "/agents";
    public const string Usage = "/usage";
    public const string UpgradeReturn = "/usage/return";
    public const string Analytics = "/analytics";
    public const string Compliance = "/compliance";
    public const string Error = "/Error";

    /// <summary>Query parameter the sign-in page reads to go back where the user was.</summary>
    public const string ReturnUrlParameter = "returnUrl";

    /// <summary>Query parameter telling the sign-in page why the user is there (see <see cref="SignInReason"/>).</summary>
    public const string ReasonParameter = "reason";

    /// <summary>Page names for <c>RedirectToPage</c> and <c>asp-page</c>.</summary>
    public static class Pages
    {
        public const string Home = "/Index";
        public const string Error = "/Error";
        public const string SignIn = "/SignIn";
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
    /// <summary>The API stopped accepting the session's access token (for example it was revoked) or its credentials.</summary>
    public const string Expired = "expired";

    /// <summary>The cookie named a session that no longer exists: signed out elsewhere, idle or past its lifetime.</summary>
    public const string Ended = "ended";

    public const string SignedOut = "signed-out";
}
