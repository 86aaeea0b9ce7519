using System.Security.Cryptography;
using AgentIdP.TestSupport;
using Microsoft.AspNetCore.DataProtection;
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
}
