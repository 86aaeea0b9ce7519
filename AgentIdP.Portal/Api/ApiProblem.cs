using System.Text.Json;

namespace AgentIdP.Portal.Api;

/// <summary>
/// What went wrong with an API call, in words a tenant admin can act on: the API's ProblemDetails
/// (<c>title</c>, <c>detail</c>, <c>status</c>), or the portal's own account of a failure to reach it.
/// </summary>
public sealed record ApiProblem(int Status, string Title, string? Detail, string? Limit = null)
{
    /// <summary>The limit id the API names in a 429 (<c>daily_quota</c>, <c>requests_per_second</c>, …).</summary>
    public const string DailyQuota = "daily_quota";

    public bool IsOverDailyQuota => Status == StatusCodes.Status429TooManyRequests && Limit == DailyQuota;

    /// <summary>The sentence to show: the detail when the API gave one, otherwise the title.</summary>
    public string Message => string.IsNullOrWhiteSpace(Detail) ? Title : Detail;

    public bool IsNotFound => Status == StatusCodes.Status404NotFound;

    public static async Task<ApiProblem> ReadAsync(HttpResponseMessage response, CancellationToken ct)
    {
        var status = (int)response.StatusCode;
        var fallback = $"The API answered {status} {response.ReasonPhrase}.";
        try
        {
            var body = await response.Content.ReadFromJsonAsync<ProblemBody>(ApiJson.Options, ct);
            return new ApiProblem(body?.Status ?? status, string.IsNullOrWhiteSpace(body?.Title) ? fallback : body.Title, body?.Detail, body?.Limit);
        }
        catch (Exception e) when (e is JsonException or NotSupportedException or InvalidOperationException)
        {
            // Not ProblemDetails (an empty body, HTML from a proxy): the status is all there is to say.
            return new ApiProblem(status, fallback, null);
        }
    }

    public static ApiProblem Unreachable(Exception e) =>
        new(StatusCodes.Status503ServiceUnavailable, "The AgentIdP API could not be reached", e.Message);

    public static ApiProblem Unexpected(string what) =>
        new(StatusCodes.Status502BadGateway, "The AgentIdP API gave an answer the portal could not read", what);

    private sealed record ProblemBody(int? Status, string? Title, string? Detail, string? Limit);
}
