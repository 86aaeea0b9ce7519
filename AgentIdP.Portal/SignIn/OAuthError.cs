using System.Text.Json.Serialization;

namespace AgentIdP.Portal.SignIn;

/// <summary>An RFC 6749 §5.2 error from the token endpoint.</summary>
public sealed record OAuthError(
    [property: JsonPropertyName("error")] string Error,
    [property: JsonPropertyName("error_description")] string? ErrorDescription)
{
    public const string InvalidClient = "invalid_client";
    public const string UnauthorizedClient = "unauthorized_client";
    public const string InvalidGrant = "invalid_grant";

    /// <summary>The portal's own code for "the token endpoint could not be reached or answered garbage".</summary>
    public const string Unavailable = "temporarily_unavailable";

    /// <summary>The credentials themselves were refused, as opposed to the endpoint being away.</summary>
    public bool RejectsCredentials => Error is InvalidClient or UnauthorizedClient or InvalidGrant;

    /// <summary>The description to show; RFC 6749 makes it optional, so fall back to a sentence per code.</summary>
    public string Message => !string.IsNullOrWhiteSpace(ErrorDescription) ? ErrorDescription : Error switch
    {
        InvalidClient => "The client id or client secret is not correct.",
        UnauthorizedClient => "This client may not sign in to the portal.",
        Unavailable => "The AgentIdP API could not be reached. Try again in a moment.",
        _ => $"The token endpoint refused the request ({Error}).",
    };
}
