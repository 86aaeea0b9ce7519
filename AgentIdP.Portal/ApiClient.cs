using System.Net.Http.Json;

namespace AgentIdP.Portal;

/// <summary>The portal's only way to the data: the API, found through service discovery as <c>http://api</c>.</summary>
public sealed class ApiClient(HttpClient http)
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
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Text.Json.JsonException
                                      or Polly.Timeout.TimeoutRejectedException or Polly.CircuitBreaker.BrokenCircuitException)
        {
            return new ApiHealth("Unreachable", [], e.Message);
        }
    }
}

public sealed record ApiHealth(string Status, Dictionary<string, ApiHealthCheck> Checks, string? Error = null);

public sealed record ApiHealthCheck(string Status, string? Description, double DurationMs);

public static class ApiClientExtensions
{
    public static WebApplicationBuilder AddApiClient(this WebApplicationBuilder builder)
    {
        builder.Services.AddHttpClient<ApiClient>(c => c.BaseAddress = new Uri($"http://{ResourceNames.Api}"));
        return builder;
    }
}
