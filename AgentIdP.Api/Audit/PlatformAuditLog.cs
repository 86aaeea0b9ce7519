using Npgsql;

namespace AgentIdP.Api.Audit;

/// <summary>
/// Appends to the platform's own audit chain (<c>platform_audit_events</c>) for changes that belong to no tenant, such
/// as signing keys; inside the caller's transaction, numbered and hashed by the database, as a tenant's chain is.
/// </summary>
public static class PlatformAuditLog
{
    public static async Task AppendAsync(NpgsqlConnection connection, NpgsqlTransaction tx,
        string actor, string action, string target, object? data, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO platform_audit_events (id, actor, action, target, data, seq, prev_hash, hash)
            VALUES (@id, @actor, @action, @target, @data, 0, ''::bytea, ''::bytea)
            """, connection, tx);
        AuditLog.AddEvent(cmd, actor, action, target, data);
        await cmd.ExecuteNonQueryAsync(ct);
    }
}
