using System.Buffers.Text;
using System.Net;
using System.Xml.Linq;
using AgentIdP.KeyRing;
using System.Security.Cryptography;
using AgentIdP.Api.Keys;
using AgentIdP.TestSupport;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
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

    [Fact]
    public async Task A_ring_written_in_plain_text_by_an_older_release_still_opens_and_is_encrypted_at_the_next_start()
    {
        var servers = await Servers.SharedAsync();
        var (database, tenant, token) = await DatabaseWithATenantTokenAsync(servers);
        // What a release before key-ring encryption left in the table: the master keys in plain text.
        await RewriteRingAsync(database, xml => Decrypted(xml, ApiFactory.KeyRingSecret));
        Assert.All(await RingAsync(database), xml => Assert.Contains("masterKey", xml));

        await using var upgraded = new ApiFactory(database, servers.RedisConnectionString);
        using var upgradedHttp = upgraded.CreateClient();

        Assert.Equal(HttpStatusCode.OK, await SigningKeyRevocationTests.StatusAsync(upgradedHttp, token));
        Assert.Equal(HttpStatusCode.OK, await SigningKeyRevocationTests.StatusAsync(upgradedHttp, await upgradedHttp.AdminTokenAsync(tenant)));
        var ring = await RingAsync(database);
        Assert.All(ring, xml => Assert.DoesNotContain("masterKey", xml));
        Assert.All(await WrappedPrivateKeysAsync(database), k => Assert.ThrowsAny<CryptographicException>(() => Protector(ring, null).Unprotect(k)));
    }

    [Fact]
    public async Task After_the_key_ring_secret_is_rotated_the_ring_is_re_encrypted_and_only_the_new_secret_opens_it()
    {
        const string newSecret = "the-next-key-ring-secret-0123456789abcdef01234567";
        var servers = await Servers.SharedAsync();
        var (database, tenant, token) = await DatabaseWithATenantTokenAsync(servers);

        await using (var rotating = new ApiFactory(database, servers.RedisConnectionString))
        {
            rotating.Settings["DataProtection:KeyRingSecret"] = newSecret;
            rotating.Settings["DataProtection:PreviousKeyRingSecrets:0"] = ApiFactory.KeyRingSecret;
            using var http = rotating.CreateClient();
            Assert.Equal(HttpStatusCode.OK, await SigningKeyRevocationTests.StatusAsync(http, token));
        }
        await using var rotated = new ApiFactory(database, servers.RedisConnectionString);
        rotated.Settings["DataProtection:KeyRingSecret"] = newSecret;
        using var rotatedHttp = rotated.CreateClient();

        Assert.Equal(HttpStatusCode.OK, await SigningKeyRevocationTests.StatusAsync(rotatedHttp, token));
        Assert.Equal(HttpStatusCode.OK, await SigningKeyRevocationTests.StatusAsync(rotatedHttp, await rotatedHttp.AdminTokenAsync(tenant)));
        var ring = await RingAsync(database);
        foreach (var privateKey in await WrappedPrivateKeysAsync(database))
        {
            Assert.ThrowsAny<CryptographicException>(() => Protector(ring, ApiFactory.KeyRingSecret).Unprotect(privateKey));
            Assert.NotEmpty(Protector(ring, newSecret).Unprotect(privateKey));
        }
    }

    [Fact]
    public async Task In_development_without_a_secret_the_api_starts_and_stores_its_ring_unencrypted()
    {
        var servers = await Servers.SharedAsync();
        await using var api = new DevelopmentApiFactory(await servers.CreateDatabaseAsync("dev"), servers.RedisConnectionString);
        api.Settings["DataProtection:KeyRingSecret"] = "";
        using var http = api.CreateClient();

        var tenant = await http.CreateTenantAsync();

        Assert.Equal(HttpStatusCode.OK, await SigningKeyRevocationTests.StatusAsync(http, await http.AdminTokenAsync(tenant)));
        Assert.All(await RingAsync(api.DatabaseConnectionString), xml => Assert.Contains("masterKey", xml));
    }

    private sealed class DevelopmentApiFactory(string database, string redis) : ApiFactory(database, redis)
    {
        protected override void ConfigureWebHost(IWebHostBuilder builder)
        {
            base.ConfigureWebHost(builder);
            builder.UseEnvironment(Environments.Development);
        }
    }

    /// <summary>A fresh database that an API has started on once, leaving its key ring, a tenant and a token signed then.</summary>
    private static async Task<(string Database, TestApi.TenantCredentials Tenant, string Token)> DatabaseWithATenantTokenAsync(Servers servers)
    {
        var database = await servers.CreateDatabaseAsync("ring");
        await using var api = new ApiFactory(database, servers.RedisConnectionString);
        using var http = api.CreateClient();
        var tenant = await http.CreateTenantAsync();
        return (database, tenant, await http.AdminTokenAsync(tenant));
    }

    private static async Task<List<string>> RingAsync(string database)
    {
        await using var db = NpgsqlDataSource.Create(database);
        var ring = new List<string>();
        await using var reader = await db.CreateCommand("SELECT xml FROM data_protection_keys").ExecuteReaderAsync();
        while (await reader.ReadAsync()) ring.Add(reader.GetString(0));
        return ring;
    }

    private static async Task<List<string>> WrappedPrivateKeysAsync(string database)
    {
        await using var db = NpgsqlDataSource.Create(database);
        var keys = new List<string>();
        await using var reader = await db.CreateCommand("SELECT private_key FROM signing_keys WHERE revoked_at IS NULL").ExecuteReaderAsync();
        while (await reader.ReadAsync()) keys.Add(reader.GetString(0));
        return keys;
    }

    private static async Task RewriteRingAsync(string database, Func<string, string> rewrite)
    {
        await using var db = NpgsqlDataSource.Create(database);
        foreach (var xml in await RingAsync(database))
        {
            await using var update = db.CreateCommand("UPDATE data_protection_keys SET xml = @new WHERE xml = @old");
            update.Parameters.AddWithValue("new", rewrite(xml));
            update.Parameters.AddWithValue("old", xml);
            await update.ExecuteNonQueryAsync();
        }
    }

    /// <summary>The element with each encrypted secret replaced by its plain text, as Data Protection writes it with no encryptor.</summary>
    private static string Decrypted(string xml, string keyRingSecret)
    {
        var services = new ServiceCollection()
            .AddSingleton(Options.Create(new KeyRingOptions { KeyRingSecret = keyRingSecret }))
            .AddSingleton<KeyRingSecrets>()
            .BuildServiceProvider();
        var element = XElement.Parse(xml);
        foreach (var wrapped in element.Descendants(XName.Get("encryptedSecret", "http://schemas.asp.net/2015/03/dataProtection")).ToList())
            wrapped.ReplaceWith(new KeyRingSecretDecryptor(services).Decrypt(wrapped.Elements().Single()));
        return element.ToString(SaveOptions.DisableFormatting);
    }

    private static IDataProtector Protector(IEnumerable<string> ring, string? keyRingSecret) =>
        KeyRingCopy.Provider(ring, KeyEndpoints.ApplicationName, keyRingSecret).CreateProtector(SigningKeyStore.ProtectorPurpose);
}
