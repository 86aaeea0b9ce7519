using System.Xml.Linq;
using Microsoft.Extensions.Logging;

namespace AgentIdP.KeyRing;

/// <summary>
/// Brings a stored key-ring element up to the current key-ring secret: a master key stored in plain text (written
/// before the ring was encrypted, or in Development without a secret) is encrypted, and one encrypted under a previous
/// secret is re-encrypted under the current one. The key itself does not change, so what it protected still opens.
/// Elements wrapped some other way (a certificate, a KMS) are left as they are.
/// </summary>
public static partial class KeyRingRewrap
{
    private static readonly XNamespace DataProtection = "http://schemas.asp.net/2015/03/dataProtection";
    private static readonly XName EncryptedSecret = DataProtection + "encryptedSecret";
    private static readonly XName RequiresEncryption = DataProtection + "requiresEncryption";

    /// <summary>
    /// The startup upgrade of a whole ring, wherever it is kept (the API's in Postgres, the portal's in Redis): reads
    /// every element, and for each that needs it calls <paramref name="replace"/>(slot, old text, new text), which writes
    /// the new text only where the old one is still stored (replicas starting together may both try) and says whether it
    /// did. Logs and returns how many elements were rewritten, and logs an error for elements under a secret that is not
    /// configured (Data Protection cannot open them). Does nothing when no secret is configured.
    /// </summary>
    public static async Task<int> RewrapAllAsync<TSlot>(
        KeyRingSecrets secrets, Func<Task<IReadOnlyList<(TSlot Slot, string Xml)>>> read,
        Func<TSlot, string, string, Task<bool>> replace, ILogger logger)
    {
        if (secrets.CurrentId is null) return 0;
        int rewritten = 0, unreadable = 0;
        foreach (var (slot, xml) in await read())
        {
            var element = XElement.Parse(xml);
            if (UnderUnknownSecret(element, secrets)) unreadable++;
            else if (Rewrap(element, secrets) is { } upgraded
                && await replace(slot, xml, upgraded.ToString(SaveOptions.DisableFormatting))) rewritten++;
        }
        if (rewritten > 0) LogRewritten(logger, rewritten);
        if (unreadable > 0) LogUnreadable(logger, unreadable);
        return rewritten;
    }

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

    private static bool UnderUnknownSecret(XElement element, KeyRingSecrets secrets) =>
        element.Descendants(EncryptedSecret).Any(wrapped => wrapped.Elements().SingleOrDefault() is { } inner
            && KeyRingSecretDecryptor.KeyIdOf(inner) is { } keyId && !secrets.TryGet(keyId, out _));

    // The shape Data Protection itself writes around an encrypted element, so it reads the result as its own.
    private static XElement Wrapped(Microsoft.AspNetCore.DataProtection.XmlEncryption.EncryptedXmlInfo info) =>
        new(EncryptedSecret, new XAttribute("decryptorType", info.DecryptorType.AssemblyQualifiedName!), info.EncryptedElement);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Re-encrypted {Count} Data Protection key(s) under the current key-ring secret")]
    private static partial void LogRewritten(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Count} Data Protection key(s) are encrypted under a key-ring secret that is not configured and cannot be read: " +
        "set " + KeyRingOptions.Section + ":" + nameof(KeyRingOptions.KeyRingSecret) + " to it, or list it in " +
        KeyRingOptions.Section + ":" + nameof(KeyRingOptions.PreviousKeyRingSecrets) + " (docs/identity.md, Rotating the key-ring secret)")]
    private static partial void LogUnreadable(ILogger logger, int count);
}
