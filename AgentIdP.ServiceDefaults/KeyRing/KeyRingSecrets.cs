using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace AgentIdP.KeyRing;

/// <summary>
/// The AES-256-GCM keys derived from the configured key-ring secrets: the current one (writes and reads) and the
/// previous ones (reads only). Each key is named by a short id derived from it, written next to what it encrypted.
/// </summary>
public sealed class KeyRingSecrets
{
    private static readonly byte[] KeyInfo = "AgentIdP.DataProtection.KeyRing.v1 key"u8.ToArray();
    private static readonly byte[] IdInfo = "AgentIdP.DataProtection.KeyRing.v1 id"u8.ToArray();

    private readonly Dictionary<string, byte[]> _keys = [];

    public KeyRingSecrets(IOptions<KeyRingOptions> options)
    {
        var o = options.Value;
        if (o.KeyRingSecret.Length > 0) CurrentId = Add(o.KeyRingSecret);
        foreach (var previous in o.PreviousKeyRingSecrets) Add(previous);
    }

    /// <summary>The id of the key new elements are encrypted with; null when no secret is configured (Development only).</summary>
    public string? CurrentId { get; }

    public bool TryGet(string id, out byte[] key) => _keys.TryGetValue(id, out key!);

    public byte[] Current => CurrentId is { } id ? _keys[id] : throw new InvalidOperationException("No key-ring secret is configured.");

    private string Add(string secret)
    {
        var ikm = Encoding.UTF8.GetBytes(secret);
        var key = HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, 32, salt: [], info: KeyInfo);
        var id = Convert.ToHexStringLower(HKDF.DeriveKey(HashAlgorithmName.SHA256, ikm, 8, salt: [], info: IdInfo));
        _keys.TryAdd(id, key);
        return id;
    }
}
