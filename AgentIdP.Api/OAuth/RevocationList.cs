using System.Collections.Concurrent;
using AgentIdP.Api.Cluster;
using Npgsql;

namespace AgentIdP.Api.OAuth;

/// <summary>
/// Revoked token ids, in memory on every replica. Postgres is the source of truth (a revocation survives a Redis
/// restart); a revocation is announced over Redis at once and every replica also polls Postgres every few seconds
/// (<see cref="ReplicatedSnapshot{TState, TEvent}"/>).
/// </summary>
public sealed class RevocationList(NpgsqlDataSource db, ClusterEvents cluster, TimeProvider clock) : IReplicatedState<TokenRevoked>
{
    public static readonly TimeSpan PollInterval = TimeSpan.FromSeconds(3);
    private readonly ConcurrentDictionary<string, DateTimeOffset> _revoked = new();
    private DateTimeOffset _seenUntil = DateTimeOffset.MinValue;

    public int Count => _revoked.Count;

    public bool IsRevoked(string jti) => _revoked.ContainsKey(jti);

    /// <summary>Records the revocation in Postgres, then tells every replica.</summary>
    public async Task RevokeAsync(string jti, Guid? tenantId, DateTimeOffset expiresAt, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            INSERT INTO revoked_tokens (jti, tenant_id, expires_at) VALUES (@jti, @tenant, @exp) ON CONFLICT (jti) DO NOTHING
            """);
        cmd.Parameters.AddWithValue("jti", jti);
        cmd.Parameters.AddWithValue("tenant", tenantId is null ? DBNull.Value : tenantId.Value);
        cmd.Parameters.AddWithValue("exp", expiresAt);
        await cmd.ExecuteNonQueryAsync(ct);
        cluster.Publish(new TokenRevoked(jti, expiresAt));
    }

    public ValueTask ApplyAsync(TokenRevoked change, CancellationToken ct)
    {
        _revoked[change.Jti] = change.ExpiresAt;
        return ValueTask.CompletedTask;
    }

    /// <summary>
    /// What was revoked since the last poll, then forgets revocations whose tokens have expired anyway: after exp plus
    /// the clock skew validation allows, never at exp, or a revoked token would be accepted again for its last seconds.
    /// </summary>
    public async Task LoadAsync(CancellationToken ct)
    {
        // Overlap the window a little: a row committed late with an earlier revoked_at is still picked up.
        var since = _seenUntil == DateTimeOffset.MinValue ? DateTimeOffset.UnixEpoch : _seenUntil.AddSeconds(-30);
        await using (var cmd = db.CreateCommand("""
            SELECT jti, expires_at, revoked_at FROM revoked_tokens WHERE revoked_at >= @since AND expires_at > now() - @skew
            """))
        {
            cmd.Parameters.AddWithValue("since", since);
            cmd.Parameters.AddWithValue("skew", TokenValidator.ClockSkew);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                _revoked[reader.GetString(0)] = reader.GetFieldValue<DateTimeOffset>(1);
                var revokedAt = reader.GetFieldValue<DateTimeOffset>(2);
                if (revokedAt > _seenUntil) _seenUntil = revokedAt;
            }
        }
        Prune();
    }

    private void Prune()
    {
        var now = clock.GetUtcNow();
        foreach (var (jti, expiresAt) in _revoked)
        {
            if (expiresAt + TokenValidator.ClockSkew < now) _revoked.TryRemove(jti, out _);
        }
    }
}

/// <summary>A token was revoked; replicas may forget it once it has expired.</summary>
public sealed record TokenRevoked(string Jti, DateTimeOffset ExpiresAt) : IClusterEvent
{
    public static string Type => "revoked";
}
