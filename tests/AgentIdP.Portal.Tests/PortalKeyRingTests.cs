using System.Security.Cryptography;
using AgentIdP.TestSupport;
using System.Xml.Linq;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.Repositories;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace AgentIdP.Portal.Tests;

public sealed class PortalKeyRingTests
{
    private const string Purpose = "PortalKeyRingTests";

    [Fact]
    public async Task Two_portal_replicas_share_one_key_ring_kept_in_redis_and_encrypted_with_the_key_ring_secret()
    {
        var redis = (await Servers.SharedAsync()).RedisConnectionString;
        // The API is never called here; the address only has to be well formed.
        await using var a = new PortalFactory(new Uri("http://127.0.0.1:9"), redis);
        await using var b = new PortalFactory(new Uri("http://127.0.0.1:9"), redis);
        var protectorA = a.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose);
        var protectorB = b.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose);

        var fromA = protectorA.Protect("made by replica a");
        var fromB = protectorB.Protect("made by replica b");

        Assert.Equal("made by replica a", protectorB.Unprotect(fromA));
        Assert.Equal("made by replica b", protectorA.Unprotect(fromB));

        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis);
        var ring = (await connection.GetDatabase().ListRangeAsync(PortalKeyRing.RedisKey)).Select(e => e.ToString()).ToList();
        Assert.NotEmpty(ring);
        Assert.All(ring, xml =>
        {
            Assert.DoesNotContain("masterKey", xml);
            Assert.Contains("<keyRingSecretEncrypted", xml);
        });
        // A copy of Redis alone opens nothing; with the secret it opens what either replica made.
        Assert.ThrowsAny<CryptographicException>(() =>
            KeyRingCopy.Provider(ring, PortalKeyRing.ApplicationName, keyRingSecret: null).CreateProtector(Purpose).Unprotect(fromA));
        Assert.Equal("made by replica b",
            KeyRingCopy.Provider(ring, PortalKeyRing.ApplicationName, ApiFactory.KeyRingSecret).CreateProtector(Purpose).Unprotect(fromB));
    }

    [Fact]
    public async Task A_key_stored_in_plain_text_before_still_opens_and_is_encrypted_when_a_portal_starts()
    {
        var redis = (await Servers.SharedAsync()).RedisConnectionString;
        // A portal of an older release: its own key, written with no encryptor.
        var legacy = new InMemoryRepository();
        var services = new ServiceCollection().AddLogging();
        services.AddDataProtection().SetApplicationName(PortalKeyRing.ApplicationName)
            .AddKeyManagementOptions(o => o.XmlRepository = legacy);
        var payload = services.BuildServiceProvider().GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose).Protect("from before");
        var element = Assert.Single(legacy.GetAllElements());
        var keyId = (string)element.Attribute("id")!;
        Assert.Contains("masterKey", element.ToString());
        await using var connection = await ConnectionMultiplexer.ConnectAsync(redis);
        await connection.GetDatabase().ListRightPushAsync(PortalKeyRing.RedisKey, element.ToString(SaveOptions.DisableFormatting));

        await using var portal = new PortalFactory(new Uri("http://127.0.0.1:9"), redis);
        var opened = portal.Services.GetRequiredService<IDataProtectionProvider>().CreateProtector(Purpose).Unprotect(payload);

        Assert.Equal("from before", opened);
        var stored = (await connection.GetDatabase().ListRangeAsync(PortalKeyRing.RedisKey))
            .Select(e => XElement.Parse(e.ToString())).Single(e => (string?)e.Attribute("id") == keyId).ToString();
        Assert.DoesNotContain("masterKey", stored);
        Assert.Contains("<keyRingSecretEncrypted", stored);
    }

    private sealed class InMemoryRepository : IXmlRepository
    {
        private readonly List<XElement> _elements = [];

        public IReadOnlyCollection<XElement> GetAllElements() => [.. _elements];

        public void StoreElement(XElement element, string friendlyName) => _elements.Add(element);
    }
}
