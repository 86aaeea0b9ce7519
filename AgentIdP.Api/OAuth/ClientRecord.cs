using Microsoft.IdentityModel.Tokens;

namespace AgentIdP.Api.OAuth;

public enum ClientKind { PlatformAdmin, TenantAdmin, Agent }

/// <summary>What the token endpoint needs to know about a client, cached in memory.</summary>
/// <param name="SecretHashes">Hashes of the secrets that work now, each with its grace expiry (null: no expiry).</param>
/// <param name="Keys">Public keys registered for private_key_jwt, or empty.</param>
public sealed record ClientRecord(
    string ClientId,
    Guid? TenantId,
    ClientKind Kind,
    Guid? AgentId,
    bool Active,
    string[] Scopes,
    (byte[] Hash, DateTimeOffset? ExpiresAt)[] SecretHashes,
    IReadOnlyList<JsonWebKey> Keys)
{
    public bool HasScope(string scope) => Array.IndexOf(Scopes, scope) >= 0;
}
