using Microsoft.IdentityModel.JsonWebTokens;

namespace AgentIdP.Api.OAuth;

/// <summary>Reads a JWT's claims without checking it, to learn which client it names. Anything malformed is null.</summary>
public static class UnverifiedJwt
{
    public const int MaxLength = 8192;

    public static JsonWebToken? TryRead(string? token)
    {
        if (token is null || token.Length is 0 or > MaxLength) return null;
        try
        {
            return new JsonWebToken(token);
        }
        catch (ArgumentException)
        {
            // Not three base64url parts with JSON in them.
            return null;
        }
    }
}
