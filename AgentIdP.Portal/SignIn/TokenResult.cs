using System.Diagnostics.CodeAnalysis;

namespace AgentIdP.Portal.SignIn;

/// <summary>An access token and when it stops working, or the token endpoint's error.</summary>
public sealed record TokenResult(string? AccessToken, DateTimeOffset ExpiresAt, OAuthError? Error)
{
    [MemberNotNullWhen(true, nameof(AccessToken))]
    [MemberNotNullWhen(false, nameof(Error))]
    public bool Succeeded => Error is null;

    public static TokenResult Issued(string accessToken, DateTimeOffset expiresAt) => new(accessToken, expiresAt, null);
    public static TokenResult Failed(OAuthError error) => new(null, default, error);

    // The access token is a bearer credential; keep it out of logs like the secret.
    public override string ToString() => Succeeded ? $"{nameof(TokenResult)} {{ ExpiresAt = {ExpiresAt:O} }}" : $"{nameof(TokenResult)} {{ Error = {Error.Error} }}";
}
