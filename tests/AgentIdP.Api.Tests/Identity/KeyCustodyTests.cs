using System.Buffers.Text;
using System.Security.Cryptography;
using AgentIdP.Api.Keys;
using AgentIdP.TestSupport;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace AgentIdP.Api.Tests.Identity;

/// <summary>The key ring that wraps the signing keys is encrypted with a secret that is not in the database.</summary>
public sealed class KeyCustodyTests
{
    [Fact]
    public async Task A_database_only_attacker_unwraps_no_signing_key_while_the_key_ring_secret_unwraps_every_one()
    {
        await using var api = await ApiFactory.CreateAsync();
        using var http = api.CreateClient();
        await http.SendJsonAsync(HttpMethod.Post, "/api/platform/keys/rotate", await http.PlatformTokenAsync());
        var jwks = new JsonWebKeySet(await http.GetStringAsync("/.well-known/jwks.json"));

        // Everything a database backup holds, read with plain SQL.
        await using var db = NpgsqlDataSource.Create(api.DatabaseConnectionString);
        var ring = new List<string>();
        await using (var reader = await db.CreateCommand("SELECT xml FROM data_protection_keys").ExecuteReaderAsync())
            while (await reader.ReadAsync()) ring.Add(reader.GetString(0));
        var wrapped = new List<(string Kid, string PrivateKey)>();
        await using (var reader = await db.CreateCommand("SELECT kid, private_key FROM signing_keys").ExecuteReaderAsync())
            while (await reader.ReadAsync()) wrapped.Add((reader.GetString(0), reader.GetString(1)));

        Assert.NotEmpty(ring);
        Assert.Equal(2, wrapped.Count);
        Assert.All(ring, xml =>
        {
            Assert.DoesNotContain("masterKey", xml);
            Assert.Contains("<keyRingSecretEncrypted", xml);
        });
        var withoutSecret = Protector(ring, keyRingSecret: null);
        var withAnotherSecret = Protector(ring, keyRingSecret: "a-guess-at-the-key-ring-secret-0123456789abcdef");
        var withSecret = Protector(ring, ApiFactory.KeyRingSecret);
        foreach (var (kid, privateKey) in wrapped)
        {
            Assert.ThrowsAny<CryptographicException>(() => withoutSecret.Unprotect(privateKey));
            Assert.ThrowsAny<CryptographicException>(() => withAnotherSecret.Unprotect(privateKey));

            // With the secret the same rows give the private key behind the published kid: the test can fail.
            using var key = ECDsa.Create();
            key.ImportPkcs8PrivateKey(Convert.FromBase64String(withSecret.Unprotect(privateKey)), out _);
            Assert.Equal(jwks.Keys.Single(k => k.Kid == kid).X, Base64Url.EncodeToString(key.ExportParameters(false).Q.X));
        }
    }

    [Theory]
    [InlineData("")]
    [InlineData("too-short-to-be-a-secret")]
    public async Task Without_a_usable_key_ring_secret_the_api_refuses_to_start_naming_the_key(string secret)
    {
        await using var factory = await ApiFactory.CreateAsync();
        factory.Settings["DataProtection:KeyRingSecret"] = secret;

        var error = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());

        Assert.Contains("DataProtection:KeyRingSecret", error.Message);
    }

    private static IDataProtector Protector(IEnumerable<string> ring, string? keyRingSecret) =>
        KeyRingCopy.Provider(ring, KeyEndpoints.ApplicationName, keyRingSecret).CreateProtector(SigningKeyStore.ProtectorPurpose);
}
