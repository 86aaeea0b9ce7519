using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentIdP.Api.Cluster;
using AgentIdP.Api.Platform;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace AgentIdP.Api.Keys;

/// <summary>
/// The signing keys, held in memory so that signing never reads the database. Postgres holds them (private parts
/// protected with Data Protection); this copy refreshes on a timer and when another replica rotates
/// (<see cref="ReplicatedSnapshot{TState, TEvent}"/>).
/// </summary>
public sealed partial class SigningKeyStore(
    NpgsqlDataSource db, IDataProtectionProvider protection, ClusterEvents cluster, TimeProvider clock,
    IOptions<IdentityOptions> options, ILogger<SigningKeyStore> logger) : IReplicatedState<SigningKeyRotated>
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(30);
    private readonly IDataProtector _protector = protection.CreateProtector("AgentIdP.SigningKeys.v1");
    private volatile Snapshot _snapshot = Snapshot.Empty;

    /// <summary>The key new tokens are signed with.</summary>
    public SigningKey Active => _snapshot.Active ?? throw new InvalidOperationException("Signing keys are not loaded yet.");

    /// <summary>The published JWKS document, serialized once per key change.</summary>
    public ReadOnlyMemory<byte> JwksJson => _snapshot.JwksJson;

    /// <summary>Keys that may verify a token: the active key and retired keys still published.</summary>
    public IReadOnlyList<SecurityKey> VerificationKeys(string? kid) =>
        kid is not null && _snapshot.Verification.TryGetValue(kid, out var key) ? [key] : [];

    public IReadOnlyCollection<SigningKey> Published => _snapshot.Published;

    /// <summary>Loads the keys; on a new database (or one left without an active key) creates the first.</summary>
    public async Task LoadAsync(CancellationToken ct)
    {
        await ReloadAsync(ct);
        if (_snapshot.Active is null)
        {
            await InsertNewKeyAsync(retireCurrent: false, ct);
            await ReloadAsync(ct);
        }
    }

    /// <summary>Another replica rotated: the new key is read from Postgres, off the thread that delivered the message.</summary>
    public ValueTask ApplyAsync(SigningKeyRotated change, CancellationToken ct) => new(Task.Run(() => ReloadAsync(ct), ct));

    /// <summary>Creates a new active key; the old one stays published until every token it signed has expired.</summary>
    public async Task<string> RotateAsync(CancellationToken ct)
    {
        var kid = await InsertNewKeyAsync(retireCurrent: true, ct);
        await ReloadAsync(ct);
        cluster.Publish(new SigningKeyRotated(kid));
        LogRotated(logger, kid);
        return kid;
    }

    private async Task<string> InsertNewKeyAsync(bool retireCurrent, CancellationToken ct)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var kid = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var signingKey = new SigningKey(kid, key, null, null);
        var privateKey = _protector.Protect(Convert.ToBase64String(key.ExportPkcs8PrivateKey()));

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        if (retireCurrent)
        {
            await using var retire = new NpgsqlCommand("""
                UPDATE signing_keys SET retired_at = @now, publish_until = @until WHERE retired_at IS NULL
                """, connection, tx);
            var now = clock.GetUtcNow();
            retire.Parameters.AddWithValue("now", now);
            // Tokens signed a moment ago live this long; a little slack covers clock skew between replicas.
            retire.Parameters.AddWithValue("until", now.AddSeconds(options.Value.AccessTokenLifetimeSeconds + 60));
            await retire.ExecuteNonQueryAsync(ct);
        }
        await using var insert = new NpgsqlCommand("""
            INSERT INTO signing_keys (kid, alg, public_jwk, private_key) VALUES (@kid, @alg, @jwk::jsonb, @private)
            ON CONFLICT DO NOTHING
            """, connection, tx);
        insert.Parameters.AddWithValue("kid", kid);
        insert.Parameters.AddWithValue("alg", SigningKey.Algorithm);
        insert.Parameters.AddWithValue("jwk", signingKey.PublicJwk().ToJsonString());
        insert.Parameters.AddWithValue("private", privateKey);
        await insert.ExecuteNonQueryAsync(ct);
        await tx.CommitAsync(ct);
        return kid;
    }

    private async Task ReloadAsync(CancellationToken ct)
    {
        var keys = new List<SigningKey>();
        await using (var cmd = db.CreateCommand("""
            SELECT kid, private_key, retired_at, publish_until FROM signing_keys
            WHERE retired_at IS NULL OR publish_until > now() ORDER BY created_at DESC
            """))
        await using (var reader = await cmd.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct))
            {
                var kid = reader.GetString(0);
                var existing = _snapshot.Published.FirstOrDefault(k => k.Kid == kid);
                var ecdsa = existing?.Key ?? ImportPrivate(_protector.Unprotect(reader.GetString(1)));
                keys.Add(new SigningKey(kid, ecdsa,
                    reader.IsDBNull(2) ? null : reader.GetFieldValue<DateTimeOffset>(2),
                    reader.IsDBNull(3) ? null : reader.GetFieldValue<DateTimeOffset>(3)));
            }
        }
        _snapshot = Snapshot.Of(keys);
    }

    private static ECDsa ImportPrivate(string pkcs8Base64)
    {
        var key = ECDsa.Create();
        key.ImportPkcs8PrivateKey(Convert.FromBase64String(pkcs8Base64), out _);
        return key;
    }

    private sealed record Snapshot(SigningKey? Active, IReadOnlyCollection<SigningKey> Published,
        IReadOnlyDictionary<string, SecurityKey> Verification, ReadOnlyMemory<byte> JwksJson)
    {
        public static readonly Snapshot Empty = new(null, [], new Dictionary<string, SecurityKey>(), ReadOnlyMemory<byte>.Empty);

        public static Snapshot Of(List<SigningKey> keys)
        {
            var jwks = new JsonObject { ["keys"] = new JsonArray([.. keys.Select(k => (JsonNode)k.PublicJwk())]) };
            return new Snapshot(
                keys.FirstOrDefault(k => k.RetiredAt is null),
                keys,
                keys.ToDictionary(k => k.Kid, k => (SecurityKey)new ECDsaSecurityKey(k.Key) { KeyId = k.Kid }),
                JsonSerializer.SerializeToUtf8Bytes(jwks));
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Rotated the token signing key; new kid {Kid}")]
    private static partial void LogRotated(ILogger logger, string kid);

}

/// <summary>A replica made a new active signing key.</summary>
public sealed record SigningKeyRotated(string Kid) : IClusterEvent
{
    public static string Type => "keys";
}
