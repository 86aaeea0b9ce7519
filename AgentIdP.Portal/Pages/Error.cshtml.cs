using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AgentIdP.Portal.Pages;

[IgnoreAntiforgeryToken]
[ResponseCache(Duration = 0, Location = ResponseCacheLocation.None, NoStore = true)]
public sealed class ErrorModel : PageModel
{
    public string Title { get; private set; } = "Something went wrong";
    public string Message { get; private set; } = "The portal hit an unexpected error. Try again in a moment.";

    public void OnGet(int? status)
    {
        // Status pages name it in the query; an unhandled exception's status (PortalRedis.StatusFor) is already set.
        status ??= HttpContext.Response.StatusCode;
        if (status == StatusCodes.Status404NotFound)
        {
            Title = "Page not found";
            Message = "There is no page at this address.";
        }
        else if (status == StatusCodes.Status503ServiceUnavailable)
        {
            // The one 503 the portal itself answers: Redis, which holds the sessions and the key ring, does not answer.
            Title = "Sessions are unavailable";
            Message = "The portal cannot check your session right now because its session store does not answer. "
                      + "Your session has not ended; try again in a moment.";
        }
        else if (status is >= 400 and < 500)
        {
            Title = "Request not accepted";
            Message = $"The portal could not handle this request (status {status}).";
        }
    }
}
