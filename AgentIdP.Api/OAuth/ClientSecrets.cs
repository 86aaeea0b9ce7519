using System.Security.Cryptography;
using System.Text;
using AgentIdP.Api.Platform;
using Microsoft.Extensions.Options;

namespace AgentIdP.Api.OAuth;

/// <summary>
/// Client secrets: 256 random bits, shown once, stored as HMAC-SHA-256 under a server-side pepper and compared in
/// constant time. A keyed hash, not a slow password hash: these secrets are random, and every token request checks one.
/// </summary>
public sealed class ClientSecrets(IOptions<IdentityOptions> options)
{
    private readonly byte[] _pepper = Encoding.UTF8.GetBytes(options.Value.SecretPepper);

    public const string Prefix = "sk_";

    public static string Generate() => Prefix + Base64Url.Encode(RandomNumberGenerator.GetBytes(32));

    public byte[] Hash(string secret)
    {
        var hash = new byte[32];
        HashInto(secret, hash);
        return hash;
    }

    /// <summary>True when <paramref name="secret"/> hashes to <paramref name="storedHash"/>, in time independent of where they differ.</summary>
    public bool Matches(string secret, ReadOnlySpan<byte> storedHash)
    {
        Span<byte> hash = stackalloc byte[32];
        HashInto(secret, hash);
        return CryptographicOperations.FixedTimeEquals(hash, storedHash);
    }

    private void HashInto(string secret, Span<byte> destination)
    {
        // Real secrets are 46 characters; anything far longer is not one of ours, and hashing a prefix keeps the stack bounded.
        var text = secret.AsSpan(0, Math.Min(secret.Length, 512));
        Span<byte> utf8 = stackalloc byte[Encoding.UTF8.GetMaxByteCount(text.Length)];
        var length = Encoding.UTF8.GetBytes(text, utf8);
        HMACSHA256.HashData(_pepper, utf8[..length], destination);
    }
}
