using AgentIdP.Api.Auth;
using System.Text.Json;
using AgentIdP.Api.Cluster;
using AgentIdP.Api.Platform;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace AgentIdP.Api.OAuth;

/// <summary>
/// Client records for the token endpoint, from memory. A change (disable, rotation, new key) is announced to every
/// replica; entries also expire after <see cref="CacheFor"/>, which bounds how stale a replica can be if an
/// announcement is lost. Unknown client ids are cached briefly too, so a flood of them does not reach Postgres.
/// </summary>
public sealed class ClientStore
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan UnknownCacheFor = TimeSpan.FromSeconds(5);

    private readonly NpgsqlDataSource _db;
    private readonly TimeProvider _clock;
    private readonly ClusterEvents _cluster;
    private readonly MemoryCache _cache = new(new MemoryCacheOptions { SizeLimit = 200_000 });
    private readonly ClientRecord? _platformAdmin;

    public ClientStore(NpgsqlDataSource db, TimeProvider clock, ClusterEvents cluster, ClientSecrets secrets, IOptions<IdentityOptions> options)
    {
        _db = db;
        _clock = clock;
        _cluster = cluster;
        var admin = options.Value.PlatformAdmin;
        _platformAdmin = admin.ClientSecret.Length == 0 ? null : new ClientRecord(
            admin.ClientId, null, ClientKind.PlatformAdmin, null, true, [Scopes.PlatformAdmin], [(secrets.Hash(admin.ClientSecret), null)], []);
        cluster.On<ClientChanged>(c => _cache.Remove(c.ClientId));
    }

    /// <summary>Forgets a client here and on every replica; call after committing a change to it.</summary>
    public void Changed(string clientId) => _cluster.Publish(new ClientChanged(clientId));

    public async ValueTask<ClientRecord?> FindAsync(string clientId, CancellationToken ct)
    {
        if (_platformAdmin is not null && clientId == _platformAdmin.ClientId) return _platformAdmin;
        if (clientId.Length is 0 or > 128) return null;
        if (_cache.TryGetValue(clientId, out ClientRecord? cached)) return cached;

        var record = await LoadAsync(clientId, ct);
        _cache.Set(clientId, record, new MemoryCacheEntryOptions
        {
            Size = 1,
            AbsoluteExpirationRelativeToNow = record is null ? UnknownCacheFor : CacheFor,
        });
        return record;
    }

    private async Task<ClientRecord?> LoadAsync(string clientId, CancellationToken ct)
    {
        await using var cmd = _db.CreateCommand("""
            SELECT c.tenant_id, c.kind, c.scopes, c.jwks::text, a.id, a.status,
                   ARRAY(SELECT s.secret_hash FROM client_secrets s
                         WHERE s.client_id = c.client_id AND (s.expires_at IS NULL OR s.expires_at > now())
                         ORDER BY s.created_at DESC),
                   ARRAY(SELECT s.expires_at FROM client_secrets s
                         WHERE s.client_id = c.client_id AND (s.expires_at IS NULL OR s.expires_at > now())
                         ORDER BY s.created_at DESC)
            FROM clients c LEFT JOIN agents a ON a.client_id = c.client_id
            WHERE c.client_id = @id
            """);
        cmd.Parameters.AddWithValue("id", clientId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;

        var hashes = reader.GetFieldValue<byte[][]>(6);
        var expiries = reader.GetFieldValue<DateTime?[]>(7);
        return new ClientRecord(
            clientId,
            reader.GetGuid(0),
            reader.GetString(1) == "agent" ? ClientKind.Agent : ClientKind.TenantAdmin,
            reader.IsDBNull(4) ? null : reader.GetGuid(4),
            // A client without an agent (a tenant admin) has no status to lose.
            reader.IsDBNull(5) || AgentStatuses.Parse(reader.GetString(5)) == AgentStatus.Active,
            reader.GetFieldValue<string[]>(2),
            [.. hashes.Zip(expiries, (h, e) => (h, e is null ? (DateTimeOffset?)null : new DateTimeOffset(e.Value, TimeSpan.Zero)))],
            reader.IsDBNull(3) ? [] : ParseKeys(reader.GetString(3)));
    }

    private static List<JsonWebKey> ParseKeys(string jwks)
    {
        using var doc = JsonDocument.Parse(jwks);
        return [.. doc.RootElement.GetProperty("keys").EnumerateArray().Select(k => new JsonWebKey(k.GetRawText()))];
    }

    /// <summary>True when the secret matches one of the client's working secrets.</summary>
    public bool SecretMatches(ClientRecord client, string secret, ClientSecrets secrets)
    {
        var now = _clock.GetUtcNow();
        var match = false;
        // Check every hash, so the time taken does not reveal which one matched.
        foreach (var (hash, expiresAt) in client.SecretHashes)
        {
            match |= secrets.Matches(secret, hash) && (expiresAt is null || expiresAt > now);
        }
        return match;
    }
}

/// <summary>A client changed (disabled, deleted, new secret or keys): replicas drop their cached copy.</summary>
public sealed record ClientChanged(string ClientId) : IClusterEvent
{
    public static string Type => "client";
}
