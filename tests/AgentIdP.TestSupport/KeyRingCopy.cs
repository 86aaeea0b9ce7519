using System.Xml.Linq;
using AgentIdP.KeyRing;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;

namespace AgentIdP.TestSupport;

/// <summary>
/// A Data Protection system built over a copy of a key ring's XML elements, as someone holding only that copy (a
/// database backup, a Redis dump) would build it: with or without the key-ring secret. It never writes a key.
/// </summary>
public static class KeyRingCopy
{
    public static IDataProtectionProvider Provider(IEnumerable<string> elements, string applicationName, string? keyRingSecret)
    {
        var services = new ServiceCollection();
        services.AddLogging();
        var dataProtection = services.AddDataProtection().SetApplicationName(applicationName).DisableAutomaticKeyGeneration();
        if (keyRingSecret is not null)
        {
            var configuration = new ConfigurationBuilder()
                .AddInMemoryCollection([new($"{KeyRingOptions.Section}:{nameof(KeyRingOptions.KeyRingSecret)}", keyRingSecret)])
                .Build();
            dataProtection.ProtectKeyRing(configuration, new HostingEnvironment { EnvironmentName = Environments.Production });
        }
        var copy = new ReadOnlyRepository([.. elements.Select(XElement.Parse)]);
        services.Configure<KeyManagementOptions>(o => o.XmlRepository = copy);
        return services.BuildServiceProvider().GetRequiredService<IDataProtectionProvider>();
    }

    private sealed class ReadOnlyRepository(IReadOnlyCollection<XElement> elements) : IXmlRepository
    {
        public IReadOnlyCollection<XElement> GetAllElements() => elements;

        public void StoreElement(XElement element, string friendlyName) =>
            throw new InvalidOperationException("A copy of a key ring is read, never written.");
    }
}
