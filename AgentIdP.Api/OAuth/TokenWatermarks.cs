using System.Collections.Concurrent;
using AgentIdP.Api.Cluster;
using AgentIdP.Api.Platform;
using Npgsql;

namespace AgentIdP.Api.OAuth;

/// <summary>
/// "Every token issued before this moment is dead", per client and per tenant, held in memory on every replica and
/// checked against a token's <c>iat</c>, so ending every token of an agent or a tenant costs validation no database read.
/// Postgres holds them (<c>token_watermarks</c>); a change is announced over Redis at once and every replica also polls
/// (<see cref="ReplicatedSnapshot{TState, TEvent}"/>), so it reaches every replica within <see cref="PollInterval"/>
/// even when Redis is away, and survives restarts. A watermark is kept until every token it can end has expired.
/// </summary>
/// <remarks>
/// Token times are whole seconds, so a watermark at 10.4 s ends tokens with iat 10 too; a token issued after a
/// re-enable within that second gets iat 11 (<see cref="IssuedAtFloor"/>), a fraction of a second ahead, which every
/// validator's clock skew allows. The same rounding ends a token another replica issued in the milliseconds before it
/// heard of the change.
/// </remarks>
public sealed class TokenWatermarks(NpgsqlDataSource db, ClusterEvents cluster, TimeProvider clock) : IReplicatedState<WatermarkChanged>
{
    public static readonly TimeSpan PollInterval = RevocationList.PollInterval;

    /// <summary>How long a watermark matters: the longest lifetime a token can be configured with, plus clock skew.</summary>
    public static readonly TimeSpan Keep = TimeSpan.FromSeconds(IdentityOptions.MaxAccessTokenLifetimeSeconds) + TokenValidator.ClockSkew;

    private readonly ConcurrentDictionary<string, Watermark> _clients = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Guid, Watermark> _tenants = new();
    private DateTimeOffset _seenUntil = DateTimeOffset.MinValue;

    public const string ClientKind = "client";
    public const string TenantKind = "tenant";

    /// <summary>True when a token of this client and tenant, issued at <paramref name="issuedAt"/> (Unix seconds), is dead.</summary>
    public bool Ends(string? clientId, Guid? tenantId, long issuedAt)
    {
        var client = clientId is not null && _clients.TryGetValue(clientId, out var c) ? c : null;
        var tenant = tenantId is { } t && _tenants.TryGetValue(t, out var w) ? w : null;
        if (client is null && tenant is null) return false;
        var now = clock.GetUtcNow();
        return (client?.Ends(issuedAt, now) ?? false) || (tenant?.Ends(issuedAt, now) ?? false);
    }

    /// <summary>A suspended tenant's clients cannot authenticate and its tokens, cards and records are gone until it resumes.</summary>
    public bool IsSuspended(Guid tenantId) => _tenants.TryGetValue(tenantId, out var w) && w.Suspended;

    /// <summary>The smallest iat a token issued now for this client must carry to outlive every watermark, or 0.</summary>
    public long IssuedAtFloor(string clientId, Guid? tenantId)
    {
        var floor = _clients.TryGetValue(clientId, out var c) ? c.Floor : 0;
        return tenantId is { } t && _tenants.TryGetValue(t, out var w) ? Math.Max(floor, w.Floor) : floor;
    }

    /// <summary>
    /// Ends, inside the caller's transaction, every token of the client or tenant issued before <paramref name="notBefore"/>:
    /// at once, or (with <paramref name="from"/>) from that moment on. <paramref name="suspend"/> sets or clears a
    /// tenant's suspension. Call <see cref="Announce"/> with the result after the commit.
    /// </summary>
    public async Task<WatermarkChanged> RaiseAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string kind, string id,
        DateTimeOffset? notBefore, DateTimeOffset? from = null, bool? suspend = null, CancellationToken ct = default)
    {
        var now = clock.GetUtcNow();
        var pending = from is { } f && f > now;
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO token_watermarks (kind, id, not_before, pending_not_before, pending_from, suspended, keep_until, changed_at)
            VALUES (@kind, @id, @nb, @pnb, @pfrom, COALESCE(@suspend, false), @keep, @now)
            ON CONFLICT (kind, id) DO UPDATE SET
                not_before = GREATEST(token_watermarks.not_before, EXCLUDED.not_before),
                pending_not_before = GREATEST(token_watermarks.pending_not_before, EXCLUDED.pending_not_before),
                pending_from = GREATEST(token_watermarks.pending_from, EXCLUDED.pending_from),
                suspended = COALESCE(@suspend, token_watermarks.suspended),
                keep_until = GREATEST(token_watermarks.keep_until, EXCLUDED.keep_until),
                changed_at = GREATEST(token_watermarks.changed_at, EXCLUDED.changed_at)
            RETURNING kind, id, not_before, pending_not_before, pending_from, suspended, keep_until, changed_at
            """, connection, tx);
        cmd.Parameters.AddWithValue("kind", kind);
        cmd.Parameters.AddWithValue("id", id);
        cmd.Parameters.Add(Timestamp("nb", pending ? null : notBefore));
        cmd.Parameters.Add(Timestamp("pnb", pending ? notBefore : null));
        cmd.Parameters.Add(Timestamp("pfrom", pending ? from : null));
        cmd.Parameters.Add(new NpgsqlParameter<bool?>("suspend", suspend) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.Boolean });
        cmd.Parameters.AddWithValue("keep", (pending ? from!.Value : now) + Keep);
        cmd.Parameters.AddWithValue("now", now);
        await using var reader = await cmd.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return Read(reader);
    }

    /// <summary>Applies the change here and tells every replica; call after the transaction that made it committed.</summary>
    public void Announce(WatermarkChanged change) => cluster.Publish(change);

    public ValueTask ApplyAsync(WatermarkChanged change, CancellationToken ct)
    {
        var mark = Watermark.Of(change);
        if (change.Kind == TenantKind)
        {
            if (Guid.TryParse(change.Id, out var tenant)) _tenants.AddOrUpdate(tenant, mark, (_, held) => held.Merge(mark));
        }
        else
        {
            _clients.AddOrUpdate(change.Id, mark, (_, held) => held.Merge(mark));
        }
        return ValueTask.CompletedTask;
    }

    /// <summary>What changed since the last poll, then forgets watermarks no live token can be older than.</summary>
    public async Task LoadAsync(CancellationToken ct)
    {
        // Overlap the window a little: a row committed late with an earlier changed_at is still picked up.
        var since = _seenUntil == DateTimeOffset.MinValue ? DateTimeOffset.UnixEpoch : _seenUntil.AddSeconds(-30);
        await using (var cmd = db.CreateCommand("""
            SELECT kind, id, not_before, pending_not_before, pending_from, suspended, keep_until, changed_at
            FROM token_watermarks WHERE changed_at >= @since AND (keep_until > now() OR suspended)
            """))
        {
            cmd.Parameters.AddWithValue("since", since);
            await using var reader = await cmd.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var change = Read(reader);
                await ApplyAsync(change, ct);
                if (change.ChangedAt > _seenUntil) _seenUntil = change.ChangedAt;
            }
        }
        var now = clock.GetUtcNow();
        foreach (var (id, mark) in _clients) if (mark.Expired(now)) _clients.TryRemove(id, out _);
        foreach (var (id, mark) in _tenants) if (mark.Expired(now)) _tenants.TryRemove(id, out _);
    }

    private static WatermarkChanged Read(NpgsqlDataReader r) => new(
        r.GetString(0), r.GetString(1),
        r.IsDBNull(2) ? 0 : CeilingSeconds(r.GetFieldValue<DateTimeOffset>(2)),
        r.IsDBNull(3) ? 0 : CeilingSeconds(r.GetFieldValue<DateTimeOffset>(3)),
        r.IsDBNull(4) ? DateTimeOffset.MaxValue : r.GetFieldValue<DateTimeOffset>(4),
        r.GetBoolean(5), r.GetFieldValue<DateTimeOffset>(6), r.GetFieldValue<DateTimeOffset>(7));

    private static long CeilingSeconds(DateTimeOffset at) => (at.ToUnixTimeMilliseconds() + 999) / 1000;

    private static NpgsqlParameter<DateTimeOffset?> Timestamp(string name, DateTimeOffset? value) =>
        new(name, value) { NpgsqlDbType = NpgsqlTypes.NpgsqlDbType.TimestampTz };

    private sealed record Watermark(long NotBefore, long PendingNotBefore, DateTimeOffset PendingFrom, bool Suspended,
        DateTimeOffset KeepUntil, DateTimeOffset ChangedAt)
    {
        public static Watermark Of(WatermarkChanged c) => new(c.NotBefore, c.PendingNotBefore, c.PendingFrom, c.Suspended, c.KeepUntil, c.ChangedAt);

        public long Floor => Math.Max(NotBefore, PendingNotBefore);

        public bool Ends(long issuedAt, DateTimeOffset now) =>
            Suspended || issuedAt < NotBefore || (issuedAt < PendingNotBefore && now >= PendingFrom);

        public bool Expired(DateTimeOffset now) => !Suspended && KeepUntil < now;

        /// <summary>Watermarks only rise, so any order of arrival gives the same result; suspension follows the latest change.</summary>
        public Watermark Merge(Watermark other) => new(
            Math.Max(NotBefore, other.NotBefore),
            Math.Max(PendingNotBefore, other.PendingNotBefore),
            PendingNotBefore == 0 ? other.PendingFrom : other.PendingNotBefore == 0 ? PendingFrom : Max(PendingFrom, other.PendingFrom),
            other.ChangedAt >= ChangedAt ? other.Suspended : Suspended,
            Max(KeepUntil, other.KeepUntil),
            Max(ChangedAt, other.ChangedAt));

        private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a > b ? a : b;
    }
}

/// <summary>A client's or tenant's watermark row as it stands after a change (times as Unix seconds, rounded up).</summary>
public sealed record WatermarkChanged(string Kind, string Id, long NotBefore, long PendingNotBefore, DateTimeOffset PendingFrom,
    bool Suspended, DateTimeOffset KeepUntil, DateTimeOffset ChangedAt) : IClusterEvent
{
    public static string Type => "watermark";
}
