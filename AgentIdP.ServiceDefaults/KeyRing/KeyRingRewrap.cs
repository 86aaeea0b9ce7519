using System.Xml.Linq;

namespace AgentIdP.KeyRing;

/// <summary>
/// Brings a stored key-ring element up to the current key-ring secret: a master key stored in plain text (written
/// before the ring was encrypted, or in Development without a secret) is encrypted, and one encrypted under a previous
/// secret is re-encrypted under the current one. The key itself does not change, so what it protected still opens.
/// Elements wrapped some other way (a certificate, a KMS) are left as they are.
/// </summary>
public static class KeyRingRewrap
{
    private static readonly XNamespace DataProtection = "http://schemas.asp.net/2015/03/dataProtection";
    private static readonly XName EncryptedSecret = DataProtection + "encryptedSecret";
    private static readonly XName RequiresEncryption = DataProtection + "requiresEncryption";

    /// <summary>The element to store instead, or null when it is already encrypted under the current secret (or no secret is set).</summary>
    public static XElement? Rewrap(XElement element, KeyRingSecrets secrets)
    {
        if (secrets.CurrentId is not { } current) return null;
        var copy = new XElement(element);
        var encryptor = new KeyRingSecretEncryptor(secrets);
        var changed = false;
        foreach (var plain in copy.Descendants().Where(e => (bool?)e.Attribute(RequiresEncryption) == true).ToList())
        {
            plain.ReplaceWith(Wrapped(encryptor.Encrypt(plain)));
            changed = true;
        }
        foreach (var wrapped in copy.Descendants(EncryptedSecret).ToList())
        {
            if (wrapped.Elements().SingleOrDefault() is not { } inner || KeyRingSecretDecryptor.KeyIdOf(inner) is not { } keyId
                || keyId == current || !secrets.TryGet(keyId, out _)) continue;
            wrapped.ReplaceWith(Wrapped(encryptor.Encrypt(KeyRingSecretDecryptor.Decrypt(inner, secrets))));
            changed = true;
        }
        return changed ? copy : null;
    }

    // The shape Data Protection itself writes around an encrypted element, so it reads the result as its own.
    private static XElement Wrapped(Microsoft.AspNetCore.DataProtection.XmlEncryption.EncryptedXmlInfo info) =>
        new(EncryptedSecret, new XAttribute("decryptorType", info.DecryptorType.AssemblyQualifiedName!), info.EncryptedElement);
}
