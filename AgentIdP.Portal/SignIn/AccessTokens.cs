using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Caching.Memory;

namespace AgentIdP.Portal.SignIn;

/// <summary>
/// Access tokens for signed-in clients, kept in memory per client id until a minute before they expire, so a page
/// view costs one API call rather than two.
/// </summary>
public sealed class AccessTokens(TokenEndpoint endpoint, IMemoryCache cache, TimeProvider clock)
{
    /// <summary>How long before its expiry a cached token is replaced, so it never expires in flight.</summary>
    public static readonly TimeSpan RefreshMargin = TimeSpan.FromSeconds(60);

    public async Task<TokenResult> GetAsync(ClientCredentials credentials, CancellationToken ct)
    {
        if (cache.TryGetValue(Key(credentials.ClientId), out CachedToken? cached)
            && cached!.SecretHash == Hash(credentials.ClientSecret)
            && clock.GetUtcNow() < cached.Token.ExpiresAt - RefreshMargin)
        {
            return cached.Token;
        }
        var fresh = await endpoint.RequestAsync(credentials, ct);
        if (fresh.Succeeded) Remember(credentials, fresh);
        else Forget(credentials.ClientId);
        return fresh;
    }

    /// <summary>Keeps a token just obtained (at sign-in) so the first page after it needs no second token call.</summary>
    public void Remember(ClientCredentials credentials, TokenResult token)
    {
        var lifetime = token.ExpiresAt - RefreshMargin - clock.GetUtcNow();
        if (!token.Succeeded || lifetime <= TimeSpan.Zero) return;
        cache.Set(Key(credentials.ClientId), new CachedToken(token, Hash(credentials.ClientSecret)), lifetime);
    }

    public void Forget(string clientId) => cache.Remove(Key(clientId));

    private static string Key(string clientId) => $"portal:access-token:{clientId}";

    // A cookie still holding a since-rotated secret must not ride on a token that the new secret obtained.
    private static string Hash(string secret) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private sealed record CachedToken(TokenResult Token, string SecretHash);
}
