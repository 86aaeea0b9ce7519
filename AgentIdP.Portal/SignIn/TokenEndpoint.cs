using System.Text.Json.Serialization;
using AgentIdP.Portal.Api;

namespace AgentIdP.Portal.SignIn;

/// <summary>The API's OAuth2 token endpoint: client_credentials with client_secret_post.</summary>
public sealed class TokenEndpoint(HttpClient http, TimeProvider clock)
{
    public const string GrantType = "client_credentials";

    public async Task<TokenResult> RequestAsync(ClientCredentials credentials, CancellationToken ct)
    {
        using var form = new FormUrlEncodedContent(
        [
            new("grant_type", GrantType),
            new("client_id", credentials.ClientId),
            new("client_secret", credentials.ClientSecret),
        ]);
        try
        {
            var sentAt = clock.GetUtcNow();
            using var response = await http.PostAsync(ApiPaths.Token, form, ct);
            if (response.IsSuccessStatusCode)
            {
                var token = await response.Content.ReadFromJsonAsync<TokenResponse>(ApiJson.Options, ct);
                return token is { AccessToken.Length: > 0 }
                    ? TokenResult.Issued(token.AccessToken, sentAt.AddSeconds(token.ExpiresIn))
                    : TokenResult.Failed(new OAuthError(OAuthError.Unavailable, "The token endpoint answered without an access token."));
            }
            return TokenResult.Failed(await ReadErrorAsync(response, ct));
        }
        catch (Exception e) when (TransportFailure.Is(e) && !ct.IsCancellationRequested)
        {
            return TokenResult.Failed(new OAuthError(OAuthError.Unavailable, $"The AgentIdP API could not be reached: {e.Message}"));
        }
    }

    private static async Task<OAuthError> ReadErrorAsync(HttpResponseMessage response, CancellationToken ct)
    {
        try
        {
            var error = await response.Content.ReadFromJsonAsync<OAuthError>(ApiJson.Options, ct);
            if (error is { Error.Length: > 0 }) return error;
        }
        catch (Exception e) when (e is System.Text.Json.JsonException or NotSupportedException or InvalidOperationException)
        {
            // Not an RFC 6749 body; fall through to a description from the status.
        }
        return new OAuthError(OAuthError.Unavailable, $"The token endpoint answered {(int)response.StatusCode} {response.ReasonPhrase}.");
    }

    private sealed record TokenResponse(
        [property: JsonPropertyName("access_token")] string AccessToken,
        [property: JsonPropertyName("token_type")] string? TokenType,
        [property: JsonPropertyName("expires_in")] int ExpiresIn,
        [property: JsonPropertyName("scope")] string? Scope);
}
