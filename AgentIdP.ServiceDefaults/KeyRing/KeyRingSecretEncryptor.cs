using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;

namespace AgentIdP.KeyRing;

/// <summary>
/// Encrypts each key-ring element (the part of a key that holds its master key) with AES-256-GCM under the current
/// key-ring secret: <c>&lt;keyRingSecretEncrypted keyId="…" alg="A256GCM"&gt;base64(nonce ‖ tag ‖ ciphertext)&lt;/…&gt;</c>.
/// </summary>
public sealed class KeyRingSecretEncryptor(KeyRingSecrets secrets) : IXmlEncryptor
{
    public const string ElementName = "keyRingSecretEncrypted";
    public const string Algorithm = "A256GCM";
    internal const int NonceSize = 12;
    internal const int TagSize = 16;

    /// <summary>Binds the ciphertext to its purpose and key id, so it cannot be replayed as anything else.</summary>
    internal static byte[] AssociatedData(string keyId) => Encoding.UTF8.GetBytes($"AgentIdP.DataProtection.KeyRing.v1|{Algorithm}|{keyId}");

    public EncryptedXmlInfo Encrypt(XElement plaintextElement)
    {
        var keyId = secrets.CurrentId ?? throw new InvalidOperationException("No key-ring secret is configured.");
        var plaintext = Encoding.UTF8.GetBytes(plaintextElement.ToString(SaveOptions.DisableFormatting));
        var sealedBox = new byte[NonceSize + TagSize + plaintext.Length];
        var nonce = sealedBox.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using (var aes = new AesGcm(secrets.Current, TagSize))
        {
            aes.Encrypt(nonce, plaintext, sealedBox.AsSpan(NonceSize + TagSize), sealedBox.AsSpan(NonceSize, TagSize), AssociatedData(keyId));
        }
        CryptographicOperations.ZeroMemory(plaintext);
        var element = new XElement(ElementName,
            new XAttribute("keyId", keyId), new XAttribute("alg", Algorithm), Convert.ToBase64String(sealedBox));
        return new EncryptedXmlInfo(element, typeof(KeyRingSecretDecryptor));
    }
}
