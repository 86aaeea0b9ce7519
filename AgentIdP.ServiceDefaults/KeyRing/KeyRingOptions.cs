using Microsoft.Extensions.Options;

namespace AgentIdP.KeyRing;

/// <summary>
/// What encrypts the Data Protection key ring at rest (<c>DataProtection:*</c>). The key ring sits next to the data it
/// protects (Postgres for the API, Redis for the portal); this secret must live somewhere else (the AppHost's secret
/// parameter, a secret store), so a copy of the database alone unwraps nothing.
/// </summary>
public sealed class KeyRingOptions
{
    public const string Section = "DataProtection";

    /// <summary>
    /// A high-entropy string (<c>DataProtection:KeyRingSecret</c>, at least 32 characters); the same on every replica.
    /// An AES-256-GCM key is derived from it with HKDF-SHA-256.
    /// </summary>
    public string KeyRingSecret { get; set; } = "";

    /// <summary>
    /// Secrets that wrapped elements written before the last rotation of <see cref="KeyRingSecret"/>
    /// (<c>DataProtection:PreviousKeyRingSecrets:0</c>, …): read, never used to write.
    /// </summary>
    public List<string> PreviousKeyRingSecrets { get; set; } = [];

    public const int MinSecretLength = 32;

    /// <param name="allowUnencrypted">True in Development only: without a secret the ring is stored unencrypted, with a warning.</param>
    public sealed class Validator(bool allowUnencrypted) : IValidateOptions<KeyRingOptions>
    {
        public ValidateOptionsResult Validate(string? name, KeyRingOptions o)
        {
            var failures = new List<string>();
            if (o.KeyRingSecret.Length == 0 && !allowUnencrypted)
            {
                failures.Add($"{Section}:{nameof(KeyRingSecret)}: must be set (a random value of at least {MinSecretLength} characters, " +
                             "the same on every replica, kept outside the database): it encrypts the Data Protection key ring at rest.");
            }
            else if (o.KeyRingSecret.Length is > 0 and < MinSecretLength)
            {
                failures.Add($"{Section}:{nameof(KeyRingSecret)}: must be at least {MinSecretLength} characters (got {o.KeyRingSecret.Length}).");
            }
            for (var i = 0; i < o.PreviousKeyRingSecrets.Count; i++)
            {
                if (o.PreviousKeyRingSecrets[i].Length < MinSecretLength)
                    failures.Add($"{Section}:{nameof(PreviousKeyRingSecrets)}:{i}: must be at least {MinSecretLength} characters.");
            }
            if (o.PreviousKeyRingSecrets.Count > 0 && o.KeyRingSecret.Length == 0)
                failures.Add($"{Section}:{nameof(KeyRingSecret)}: must be set when {nameof(PreviousKeyRingSecrets)} are.");
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
    }
}
