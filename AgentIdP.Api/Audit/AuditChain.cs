using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace AgentIdP.Api.Audit;

/// <summary>The result of walking a tenant's chain from its first event to its head.</summary>
public sealed record ChainVerification(
    bool Valid, long Events, string? HeadHash, long? FirstBrokenSeq, Guid? FirstBrokenEventId, string? Reason);

/// <summary>Walks a tenant's audit chain and names the first event whose link or hash does not hold.</summary>
public static class AuditChain
{
    private static readonly byte[] Genesis = new byte[32];

    public static async Task<ChainVerification> VerifyAsync(NpgsqlDataSource db, Guid tenantId, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            SELECT seq, id, prev_hash, hash,
                   audit_canonical(tenant_id, seq, id, occurred_at, actor, action, target, data)
            FROM audit_events WHERE tenant_id = @tenant ORDER BY seq
            """);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        await using var reader = await cmd.ExecuteReaderAsync(ct);

        var expectedPrev = Genesis;
        long expectedSeq = 1, count = 0;
        var buffer = new byte[256];
        var computed = new byte[32];
        while (await reader.ReadAsync(ct))
        {
            var seq = reader.GetInt64(0);
            var id = reader.GetGuid(1);
            var prev = reader.GetFieldValue<byte[]>(2);
            var hash = reader.GetFieldValue<byte[]>(3);
            var canonical = reader.GetString(4);

            if (seq != expectedSeq) return Broken(count, seq, id, $"expected event number {expectedSeq}, found {seq} (an event is missing or was inserted)");
            if (!prev.AsSpan().SequenceEqual(expectedPrev)) return Broken(count, seq, id, "prev_hash does not match the previous event's hash");

            var needed = 32 + Encoding.UTF8.GetMaxByteCount(canonical.Length);
            if (buffer.Length < needed) buffer = new byte[needed];
            prev.CopyTo(buffer, 0);
            var length = 32 + Encoding.UTF8.GetBytes(canonical, 0, canonical.Length, buffer, 32);
            SHA256.HashData(buffer.AsSpan(0, length), computed);
            if (!computed.AsSpan().SequenceEqual(hash)) return Broken(count, seq, id, "the event's content does not match its hash (it was changed after it was written)");

            expectedPrev = hash;
            expectedSeq++;
            count++;
        }
        return new ChainVerification(true, count, count == 0 ? null : Convert.ToHexStringLower(expectedPrev), null, null, null);
    }

    private static ChainVerification Broken(long verified, long seq, Guid id, string reason) =>
        new(false, verified, null, seq, id, reason);
}
