using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace AgentIdP.Api.Audit;

/// <summary>The result of walking a chain (a tenant's, or the platform's) from its first event to its head.</summary>
public sealed record ChainVerification(
    bool Valid, long Events, string? HeadHash, long? FirstBrokenSeq, Guid? FirstBrokenEventId, string? Reason);

/// <summary>
/// Walks a tenant's audit chain, or the platform's (<c>platform_audit_events</c>, hashed alike with <c>platform</c> in
/// place of the tenant id), and names the first event whose link or hash does not hold. Every event is re-hashed
/// on every walk: a chain is only called valid when all of it was checked. The walk is split into seq ranges read
/// and hashed in parallel (one connection each), then stitched together in order.
/// </summary>
public static class AuditChain
{
    private static readonly byte[] Genesis = new byte[32];

    /// <summary>Below this many events one range is enough.</summary>
    private const long MinEventsPerRange = 50_000;

    /// <param name="Rows">The chain's rows, as SQL after FROM, ending in a WHERE clause the seq range is ANDed to.</param>
    /// <param name="Label">The first field of the canonical text (<c>audit_canonical()</c> / <c>platform_audit_canonical()</c>).</param>
    private sealed record Chain(string Rows, Guid? Tenant, string Label);

    public static Task<ChainVerification> VerifyAsync(NpgsqlDataSource db, Guid tenantId, CancellationToken ct) =>
        VerifyAsync(db, new Chain("audit_events WHERE tenant_id = @tenant", tenantId, tenantId.ToString("D")), ct);

    public static Task<ChainVerification> VerifyPlatformAsync(NpgsqlDataSource db, CancellationToken ct) =>
        VerifyAsync(db, new Chain("platform_audit_events WHERE TRUE", null, "platform"), ct);

    private static async Task<ChainVerification> VerifyAsync(NpgsqlDataSource db, Chain chain, CancellationToken ct)
    {
        long head;
        await using (var max = db.CreateCommand($"SELECT COALESCE(max(seq), 0) FROM {chain.Rows}"))
        {
            if (chain.Tenant is { } tenant) max.Parameters.AddWithValue("tenant", tenant);
            head = (long)(await max.ExecuteScalarAsync(ct))!;
        }

        // Two ranges per core: while one waits for Postgres to send rows, another hashes.
        var ranges = (int)Math.Clamp(head / MinEventsPerRange, 1, 2 * Environment.ProcessorCount);
        var size = head / ranges + 1;
        var walks = await Task.WhenAll(Enumerable.Range(0, ranges).Select(r =>
            WalkAsync(db, chain, first: r == 0 ? long.MinValue : r * size + 1, last: r == ranges - 1 ? long.MaxValue : (r + 1) * size, ct)));

        // Stitch: each range must start where the previous one ended, then hold inside.
        var expectedPrev = Genesis;
        var expectedSeq = 1L;
        long verified = 0;
        foreach (var walk in walks)
        {
            if (walk.Any)
            {
                if (walk.FirstSeq != expectedSeq) return Broken(verified, walk.FirstSeq, walk.FirstId, MissingOrInserted(expectedSeq, walk.FirstSeq));
                if (!walk.FirstPrev.AsSpan().SequenceEqual(expectedPrev)) return Broken(verified, walk.FirstSeq, walk.FirstId, BadLink);
            }
            if (walk.Failure is { } failure) return failure with { Events = verified + failure.Events };
            verified += walk.Count;
            if (walk.Count > 0)
            {
                expectedPrev = walk.LastHash;
                expectedSeq = walk.LastSeq + 1;
            }
        }
        return new ChainVerification(true, verified, verified == 0 ? null : Convert.ToHexStringLower(expectedPrev), null, null, null);
    }

    private const string BadLink = "prev_hash does not match the previous event's hash";
    private const string BadHash = "the event's content does not match its hash (it was changed after it was written)";

    private static string MissingOrInserted(long expected, long found) =>
        $"expected event number {expected}, found {found} (an event is missing or was inserted)";

    /// <param name="Any">Whether the range holds at least one event (its first event's seq, id and prev_hash are then set).</param>
    private sealed record Walk(bool Any, long Count, long FirstSeq, Guid FirstId, byte[] FirstPrev, long LastSeq, byte[] LastHash, ChainVerification? Failure);

    /// <summary>Verifies the events with seq in [first, last] among themselves; the caller checks the range's first link.</summary>
    private static async Task<Walk> WalkAsync(NpgsqlDataSource db, Chain chain, long first, long last, CancellationToken ct)
    {
        // The columns raw; the canonical text of audit_canonical() is rebuilt here (the SQL function costs ~10 µs a row).
        await using var cmd = db.CreateCommand($"""
            SELECT seq, id, occurred_at, actor, action, target, data::text, prev_hash, hash
            FROM {chain.Rows} AND seq BETWEEN @first AND @last ORDER BY seq
            """);
        if (chain.Tenant is { } tenant) cmd.Parameters.AddWithValue("tenant", tenant);
        cmd.Parameters.AddWithValue("first", first);
        cmd.Parameters.AddWithValue("last", last);
        // Rows are small, so each is buffered whole by ReadAsync and the column reads below copy from memory.
        await using var reader = await cmd.ExecuteReaderAsync(ct);

        var label = Encoding.UTF8.GetBytes(chain.Label);
        var buffer = new byte[4096];
        var computed = new byte[32];
        byte[] hash = new byte[32], expectedPrev = new byte[32], firstPrev = [];
        long count = 0, expectedSeq = 0, firstSeq = 0;
        var any = false;
        var firstId = Guid.Empty;
        while (await reader.ReadAsync(ct))
        {
            var seq = reader.GetInt64(0);
            var id = reader.GetGuid(1);
            var occurredAt = reader.GetFieldValue<DateTime>(2);

            // prev_hash ‖ UTF-8 of audit_canonical(): tenant (or "platform"), seq, id, time (µs, UTC), actor, action, target, data, joined by
            // \n. The text columns are copied as the UTF-8 bytes Postgres sent, never decoded into strings.
            var at = CopyRaw(reader, 7, ref buffer, 0);
            var prev = buffer.AsSpan(0, at);
            if (!any)
            {
                any = true;
                (firstSeq, firstId, firstPrev) = (seq, id, prev.ToArray());
            }
            else
            {
                if (seq != expectedSeq) return Failed(count, seq, id, MissingOrInserted(expectedSeq, seq));
                if (!prev.SequenceEqual(expectedPrev)) return Failed(count, seq, id, BadLink);
            }
            label.CopyTo(buffer, at);
            at += label.Length;
            buffer[at++] = (byte)'\n';
            seq.TryFormat(buffer.AsSpan(at), out var written, default, CultureInfo.InvariantCulture);
            at += written;
            buffer[at++] = (byte)'\n';
            id.TryFormat(buffer.AsSpan(at), out written, "D");
            at += written;
            buffer[at++] = (byte)'\n';
            occurredAt.TryFormat(buffer.AsSpan(at), out written, "yyyy-MM-dd'T'HH:mm:ss.ffffff'Z'", CultureInfo.InvariantCulture);
            at += written;
            for (var column = 3; column <= 6; column++)
            {
                buffer[at++] = (byte)'\n';
                at += CopyRaw(reader, column, ref buffer, at);
            }

            SHA256.HashData(buffer.AsSpan(0, at), computed);
            if (!ReadHash(reader, 8, hash) || !computed.AsSpan().SequenceEqual(hash)) return Failed(count, seq, id, BadHash);

            (expectedPrev, hash) = (hash, expectedPrev);
            expectedSeq = seq + 1;
            count++;
        }
        return new Walk(any, count, firstSeq, firstId, firstPrev, expectedSeq - 1, expectedPrev, null);

        Walk Failed(long verified, long seq, Guid id, string reason) =>
            new(any, count, firstSeq, firstId, firstPrev, 0, [], Broken(verified, seq, id, reason));
    }

    /// <summary>
    /// Copies a column's value as sent (UTF-8 for text, the bytes for bytea) into <paramref name="buffer"/> at
    /// <paramref name="at"/>, growing it with room to spare for the fixed-size fields that follow; returns its length.
    /// </summary>
    private static int CopyRaw(NpgsqlDataReader reader, int column, ref byte[] buffer, int at)
    {
        using var stream = reader.GetStream(column);
        var length = (int)stream.Length;
        if (buffer.Length < at + length + 256) Array.Resize(ref buffer, Math.Max(2 * buffer.Length, at + length + 256));
        stream.ReadExactly(buffer, at, length);
        return length;
    }

    /// <summary>Reads a SHA-256 column into <paramref name="hash"/>; false when it does not hold 32 bytes.</summary>
    private static bool ReadHash(NpgsqlDataReader reader, int column, byte[] hash)
    {
        using var stream = reader.GetStream(column);
        if (stream.Length != hash.Length) return false;
        stream.ReadExactly(hash);
        return true;
    }

    private static ChainVerification Broken(long verified, long seq, Guid id, string reason) =>
        new(false, verified, null, seq, id, reason);
}
