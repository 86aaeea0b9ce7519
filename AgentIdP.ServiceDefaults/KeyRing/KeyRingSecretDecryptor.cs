using System.Security.Cryptography;
using System.Text;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection.XmlEncryption;
using Microsoft.Extensions.DependencyInjection;

namespace AgentIdP.KeyRing;

/// <summary>
/// Reverses <see cref="KeyRingSecretEncryptor"/>. Data Protection creates decryptors by the type name stored in the
/// XML, passing the service provider, so the keys come from services: a process without the secret cannot decrypt.
/// </summary>
public sealed class KeyRingSecretDecryptor(IServiceProvider services) : IXmlDecryptor
{
    public XElement Decrypt(XElement encryptedElement) => Decrypt(encryptedElement, services.GetService<KeyRingSecrets>());

    internal static XElement Decrypt(XElement encryptedElement, KeyRingSecrets? secrets)
    {
        var keyId = KeyIdOf(encryptedElement)
            ?? throw new CryptographicException("The key-ring element is not in the expected keyRingSecretEncrypted format.");
        if (secrets is null || !secrets.TryGet(keyId, out var key))
            throw new CryptographicException(
                $"A key-ring element is encrypted with a key-ring secret that is not configured (key id {keyId}). " +
                $"Set {KeyRingOptions.Section}:{nameof(KeyRingOptions.KeyRingSecret)} (or list the old secret in " +
                $"{KeyRingOptions.Section}:{nameof(KeyRingOptions.PreviousKeyRingSecrets)}).");

        var sealedBox = Convert.FromBase64String(encryptedElement.Value);
        if (sealedBox.Length < KeyRingSecretEncryptor.NonceSize + KeyRingSecretEncryptor.TagSize)
            throw new CryptographicException("The key-ring element is too short to be an AES-GCM ciphertext.");
        var ciphertext = sealedBox.AsSpan(KeyRingSecretEncryptor.NonceSize + KeyRingSecretEncryptor.TagSize);
        var plaintext = new byte[ciphertext.Length];
        using (var aes = new AesGcm(key, KeyRingSecretEncryptor.TagSize))
        {
            aes.Decrypt(sealedBox.AsSpan(0, KeyRingSecretEncryptor.NonceSize), ciphertext,
                sealedBox.AsSpan(KeyRingSecretEncryptor.NonceSize, KeyRingSecretEncryptor.TagSize), plaintext,
                KeyRingSecretEncryptor.AssociatedData(keyId));
        }
        try
        {
            return XElement.Parse(Encoding.UTF8.GetString(plaintext));
        }
        finally
        {
            CryptographicOperations.ZeroMemory(plaintext);
        }
    }

    /// <summary>The id of the secret that encrypted the element; null when it is not one of ours.</summary>
    internal static string? KeyIdOf(XElement element) =>
        element.Name == KeyRingSecretEncryptor.ElementName && (string?)element.Attribute("alg") == KeyRingSecretEncryptor.Algorithm
            ? (string?)element.Attribute("keyId")
            : null;
}
