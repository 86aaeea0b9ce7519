using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace AgentIdP.KeyRing;

public static class KeyRingProtection
{
    /// <summary>
    /// Encrypts every key the ring writes with the configured key-ring secret (<c>DataProtection:KeyRingSecret</c>) and
    /// decrypts with it or a previous one. Validated at startup: outside Development a missing secret stops the service.
    /// In Development without a secret the ring is written unencrypted (Data Protection logs a warning for each new key).
    /// Elements written unencrypted before (an older release) stay readable; new keys are encrypted.
    /// </summary>
    public static IDataProtectionBuilder ProtectKeyRing(this IDataProtectionBuilder builder, IConfiguration configuration, IHostEnvironment environment)
    {
        var services = builder.Services;
        services.AddOptions<KeyRingOptions>().Bind(configuration.GetSection(KeyRingOptions.Section)).ValidateOnStart();
        services.AddSingleton<IValidateOptions<KeyRingOptions>>(new KeyRingOptions.Validator(allowUnencrypted: environment.IsDevelopment()));
        services.AddSingleton<KeyRingSecrets>();
        services.AddOptions<KeyManagementOptions>().Configure<KeyRingSecrets>((o, secrets) =>
        {
            if (secrets.CurrentId is not null) o.XmlEncryptor = new KeyRingSecretEncryptor(secrets);
        });
        return builder;
    }
}
