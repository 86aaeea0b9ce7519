using System.Net;
using System.Net.Http.Headers;
using AgentIdP.Portal.Api;
using AgentIdP.Portal.SignIn;
using AgentIdP.Portal.Usage;
using Microsoft.Extensions.Http.Resilience;

namespace AgentIdP.Portal;

/// <summary>
/// The portal's only way to the data: the API, found through service discovery as <c>http://api</c>. Calls made
/// for the signed-in tenant admin carry the access token of their <see cref="PortalSession"/>; a 401 ends the session
/// (<see cref="ApiSessionExpiredException"/>), any other failure comes back as an <see cref="ApiProblem"/>.
/// </summary>
public sealed partial class ApiClient(HttpClient http, IHttpContextAccessor context)
{
    public HttpClient Http => http;

    /// <summary>The API's <c>/health</c> body, or why it could not be read.</summary>
    public async Task<ApiHealth> GetHealthAsync(CancellationToken ct)
    {
        try
        {
            using var response = await http.GetAsync(Microsoft.Extensions.Hosting.ServiceDefaultsExtensions.HealthPath, ct);
            var body = await response.Content.ReadFromJsonAsync<ApiHealth>(ct);
            return body ?? new ApiHealth("Unreachable", [], $"Empty answer ({(int)response.StatusCode}).");
        }
        catch (Exception e) when (TransportFailure.Is(e))
        {
            return new ApiHealth("Unreachable", [], e.Message);
        }
    }

    /// <summary>The tenant an access token's client administers; used at sign-in, before there is a session.</summary>
    public Task<ApiResult<Tenant>> GetTenantAsync(string accessToken, CancellationToken ct) =>
        SendAsync<Tenant>(accessToken, HttpMethod.Get, ApiPaths.Tenant, body: null, ct);

    private Task<ApiResult<T>> SendAsync<T>(HttpMethod method, string path, object? body, CancellationToken ct) =>
        SendAsync<T>(CurrentAccessToken(), method, path, body, ct);

    private string CurrentAccessToken() =>
        (context.HttpContext is { } page ? PortalSession.Of(page)?.AccessToken : null)
        ?? throw new ApiSessionExpiredException("No signed-in session.");

    private async Task<ApiResult<T>> SendAsync<T>(string accessToken, HttpMethod method, string path, object? body, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        if (body is not null) request.Content = JsonContent.Create(body, body.GetType(), options: ApiJson.Options);
        try
        {
            using var response = await http.SendAsync(request, ct);
            if (response.StatusCode == HttpStatusCode.Unauthorized)
            {
                throw new ApiSessionExpiredException($"The API answered 401 to {method} {path}.");
            }
            if (!response.IsSuccessStatusCode)
            {
                var problem = await ApiProblem.ReadAsync(response, ct);
                if (problem.IsOverDailyQuota && context.HttpContext is { } page) OverQuota.Mark(page);
                return ApiResult<T>.Failed(problem);
            }
            if (typeof(T) == typeof(NoBody)) return ApiResult<T>.Ok((T)(object)NoBody.Instance);
            if (typeof(T) == typeof(FileDownload)) return ApiResult<T>.Ok((T)(object)await FileDownload.ReadAsync(response, ct));

            var value = await response.Content.ReadFromJsonAsync<T>(ApiJson.Options, ct);
            return value is null ? ApiResult<T>.Failed(ApiProblem.Unexpected($"{method} {path} answered an empty body.")) : ApiResult<T>.Ok(value);
        }
        catch (Exception e) when (TransportFailure.Is(e) && !ct.IsCancellationRequested)
        {
            return ApiResult<T>.Failed(e is System.Text.Json.JsonException
                ? ApiProblem.Unexpected($"{method} {path}: {e.Message}")
                : ApiProblem.Unreachable(e));
        }
    }
}

public sealed record ApiHealth(string Status, Dictionary<string, ApiHealthCheck> Checks, string? Error = null);

public sealed record ApiHealthCheck(string Status, string? Description, double DurationMs);

public static class ApiClientExtensions
{
    public static readonly Uri ApiBaseAddress = new($"http://{ResourceNames.Api}");

    public static WebApplicationBuilder AddApiClient(this WebApplicationBuilder builder)
    {
        var client = builder.Services.AddHttpClient<ApiClient>(c => c.BaseAddress = ApiBaseAddress);
        // Creating an agent or rotating a secret twice because a retry raced a slow answer would hand out secrets
        // nobody sees, so only safe methods are retried. Replacing the default handler is the documented way, still
        // marked experimental.
#pragma warning disable EXTEXP0001
        client.RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        client.AddStandardResilienceHandler(o =>
        {
            // A 429 is retried only when it asks for a short wait (a per-second limit); over the daily quota the answer
            // is shown at once, with the way to upgrade, instead of waiting until midnight.
            o.Retry.ShouldHandle = args => ValueTask.FromResult(args.Outcome.Result?.StatusCode == HttpStatusCode.TooManyRequests
                ? args.Outcome.Result.Headers.RetryAfter?.Delta is { } wait && wait <= TimeSpan.FromSeconds(2)
                : HttpClientResiliencePredicates.IsTransient(args.Outcome));
            o.Retry.DisableForUnsafeHttpMethods();
        });
        return builder;
    }
}
