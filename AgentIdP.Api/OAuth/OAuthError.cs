namespace AgentIdP.Api.OAuth;

/// <summary>An RFC 6749 §5.2 error answer: <c>{"error","error_description"}</c>.</summary>
public sealed record OAuthError(string Error, string ErrorDescription)
{
    public const string InvalidRequest = "invalid_request";
    public const string InvalidClient = "invalid_client";
    public const string InvalidScope = "invalid_scope";
    public const string UnauthorizedClient = "unauthorized_client";
    public const string UnsupportedGrantType = "unsupported_grant_type";
    public const string SlowDown = "slow_down";

    /// <summary>Writes the error with the status RFC 6749 gives it (401 plus WWW-Authenticate for invalid_client).</summary>
    public IResult ToResult(int? status = null) => new Answer(this, status ?? (Error == InvalidClient ? 401 : 400));

    private sealed class Answer(OAuthError error, int status) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            context.Response.StatusCode = status;
            context.Response.Headers.CacheControl = "no-store";
            context.Response.Headers.Pragma = "no-cache";
            if (status == 401) context.Response.Headers.WWWAuthenticate = "Basic realm=\"agentidp\", error=\"invalid_client\"";
            return context.Response.WriteAsJsonAsync(new Body(error.Error, error.ErrorDescription), OAuthJson.Default.Body);
        }
    }

    internal sealed record Body(
        [property: System.Text.Json.Serialization.JsonPropertyName("error")] string Error,
        [property: System.Text.Json.Serialization.JsonPropertyName("error_description")] string ErrorDescription);
}

[System.Text.Json.Serialization.JsonSerializable(typeof(OAuthError.Body))]
[System.Text.Json.Serialization.JsonSerializable(typeof(TokenResponse))]
internal sealed partial class OAuthJson : System.Text.Json.Serialization.JsonSerializerContext;

public sealed record TokenResponse(
    [property: System.Text.Json.Serialization.JsonPropertyName("access_token")] string AccessToken,
    [property: System.Text.Json.Serialization.JsonPropertyName("token_type")] string TokenType,
    [property: System.Text.Json.Serialization.JsonPropertyName("expires_in")] int ExpiresIn,
    [property: System.Text.Json.Serialization.JsonPropertyName("scope")] string Scope);
