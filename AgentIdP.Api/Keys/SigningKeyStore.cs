using System.Security.Cryptography;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgentIdP.Api.Audit;
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
    IOptions<IdentityOptions> options, ILogger<SigningKeyStore> logger) : IReplicatedState<SigningKeysChanged>
{
    public static readonly TimeSpan RefreshInterval = TimeSpan.FromSeconds(30);
    /// <summary>The Data Protection purpose the private keys in <c>signing_keys</c> are protected under.</summary>
    public const string ProtectorPurpose = "AgentIdP.SigningKeys.v1";

    private readonly IDataProtector _protector = protection.CreateProtector(ProtectorPurpose);
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
            await InTransactionAsync(async (connection, tx) =>
            {
                // Replicas starting together race here; the one-active-key index lets one insert win.
                var kid = await InsertNewKeyAsync(connection, tx, ct);
                if (kid is not null)
                    await PlatformAuditLog.AppendAsync(connection, tx, AuditActions.SystemActor, AuditActions.SigningKeyCreated, kid, null, ct);
                return kid;
            }, ct);
            await ReloadAsync(ct);
        }
    }

    /// <summary>Another replica changed the keys: they are read from Postgres, off the thread that delivered the message.</summary>
    public ValueTask ApplyAsync(SigningKeysChanged change, CancellationToken ct) => new(Task.Run(() => ReloadAsync(ct), ct));

    /// <summary>Creates a new active key; the old one stays published until every token it signed has expired.</summary>
    public async Task<string> RotateAsync(string actor, CancellationToken ct)
    {
        var kid = await InTransactionAsync(async (connection, tx) =>
        {
            await LockKeysAsync(connection, tx, ct);
            var retired = await RetireActiveAsync(connection, tx, ct);
            var kid = await InsertNewKeyAsync(connection, tx, ct) ?? throw new InvalidOperationException("A new signing key could not be inserted.");
            await PlatformAuditLog.AppendAsync(connection, tx, actor, AuditActions.SigningKeyRotated, kid, new { retiredKid = retired }, ct);
            return kid;
        }, ct);
        await ReloadAsync(ct);
        cluster.Publish(new SigningKeysChanged(kid));
        LogRotated(logger, kid, actor);
        return kid;
    }

    /// <summary>
    /// Emergency revocation: the key leaves the JWKS and verifies nothing from now on, here at once and on the other
    /// replicas as soon as they hear of it; its private key is wiped. When it is the active key, a new active key is
    /// made in the same transaction, so signing never stops. Null when no key has that kid.
    /// </summary>
    public async Task<KeyRevocation?> RevokeAsync(string kid, string actor, CancellationToken ct)
    {
        var revocation = await InTransactionAsync<KeyRevocation?>(async (connection, tx) =>
        {
            await LockKeysAsync(connection, tx, ct);
            await using var find = new NpgsqlCommand("SELECT retired_at IS NULL, revoked_at FROM signing_keys WHERE kid = @kid", connection, tx);
            find.Parameters.AddWithValue("kid", kid);
            bool wasActive;
            await using (var reader = await find.ExecuteReaderAsync(ct))
            {
                if (!await reader.ReadAsync(ct)) return null;
                if (!reader.IsDBNull(1)) return new KeyRevocation(kid, reader.GetFieldValue<DateTimeOffset>(1), null, AlreadyRevoked: true);
                wasActive = reader.GetBoolean(0);
            }
            // Postgres keeps microseconds: the time answered now is the one a repeated call reads back.
            var now = clock.GetUtcNow();
            now = now.AddTicks(-(now.Ticks % TimeSpan.TicksPerMicrosecond));
            await using var revoke = new NpgsqlCommand("""
                UPDATE signing_keys SET revoked_at = @now, retired_at = COALESCE(retired_at, @now), publish_until = @now, private_key = ''
                WHERE kid = @kid
                """, connection, tx);
            revoke.Parameters.AddWithValue("kid", kid);
            revoke.Parameters.AddWithValue("now", now);
            await revoke.ExecuteNonQueryAsync(ct);
            var replacement = wasActive
                ? await InsertNewKeyAsync(connection, tx, ct) ?? throw new InvalidOperationException("A new signing key could not be inserted.")
                : null;
            await PlatformAuditLog.AppendAsync(connection, tx, actor, AuditActions.SigningKeyRevoked, kid, new { wasActive, replacementKid = replacement }, ct);
            return new KeyRevocation(kid, now, replacement, AlreadyRevoked: false);
        }, ct);
        if (revocation is { AlreadyRevoked: false })
        {
            await ReloadAsync(ct);
            cluster.Publish(new SigningKeysChanged(revocation.ReplacementKid ?? kid));
            LogRevoked(logger, kid, actor, revocation.ReplacementKid);
        }
        return revocation;
    }

    private async Task<T> InTransactionAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var result = await work(connection, tx);
        await tx.CommitAsync(ct);
        return result;
    }

    /// <summary>Rotations and revocations run one at a time across replicas, so each sees the other's active key.</summary>
    private static async Task LockKeysAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtextextended('signing_keys', 0))", connection, tx);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    private async Task<string?> RetireActiveAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken ct)
    {
        await using var retire = new NpgsqlCommand("""
            UPDATE signing_keys SET retired_at = @now, publish_until = @until WHERE retired_at IS NULL RETURNING kid
            """, connection, tx);
        var now = clock.GetUtcNow();
        retire.Parameters.AddWithValue("now", now);
        // Tokens signed a moment ago live this long; a little slack covers clock skew between replicas.
        retire.Parameters.AddWithValue("until", now.AddSeconds(options.Value.AccessTokenLifetimeSeconds + 60));
        return (string?)await retire.ExecuteScalarAsync(ct);
    }

    /// <summary>Inserts a new active key; null when another replica's active key is already there.</summary>
    private async Task<string?> InsertNewKeyAsync(NpgsqlConnection connection, NpgsqlTransaction tx, CancellationToken ct)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var kid = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        var signingKey = new SigningKey(kid, key, null, null);
        var privateKey = _protector.Protect(Convert.ToBase64String(key.ExportPkcs8PrivateKey()));

        await using var insert = new NpgsqlCommand("""
            INSERT INTO signing_keys (kid, alg, public_jwk, private_key) VALUES (@kid, @alg, @jwk::jsonb, @private)
            ON CONFLICT DO NOTHING
            """, connection, tx);
        insert.Parameters.AddWithValue("kid", kid);
        insert.Parameters.AddWithValue("alg", SigningKey.Algorithm);
        insert.Parameters.AddWithValue("jwk", signingKey.PublicJwk().ToJsonString());
        insert.Parameters.AddWithValue("private", privateKey);
        return await insert.ExecuteNonQueryAsync(ct) == 1 ? kid : null;
    }

    private async Task ReloadAsync(CancellationToken ct)
    {
        var keys = new List<SigningKey>();
        await using (var cmd = db.CreateCommand("""
            SELECT kid, private_key, retired_at, publish_until FROM signing_keys
            WHERE revoked_at IS NULL AND (retired_at IS NULL OR publish_until > now()) ORDER BY created_at DESC
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

    [LoggerMessage(Level = LogLevel.Information, Message = "Rotated the token signing key; new kid {Kid}, by {Actor}")]
    private static partial void LogRotated(ILogger logger, string kid, string actor);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Revoked the token signing key {Kid} (emergency), by {Actor}; new active kid {ReplacementKid}")]
    private static partial void LogRevoked(ILogger logger, string kid, string actor, string? replacementKid);

}

/// <summary>The outcome of a revocation; <see cref="ReplacementKid"/> is the new active key when the revoked one was active.</summary>
public sealed record KeyRevocation(string Kid, DateTimeOffset RevokedAt, string? ReplacementKid, bool AlreadyRevoked);

/// <summary>A replica rotated or revoked a signing key (the JSON type stays "keys", as replicas already running expect).</summary>
public sealed record SigningKeysChanged(string Kid) : IClusterEvent
{
    public static string Type => "keys";
}
