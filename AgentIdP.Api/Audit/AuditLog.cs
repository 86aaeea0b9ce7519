using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace AgentIdP.Api.Audit;

/// <summary>
/// Appends to the tenant's audit chain inside the caller's transaction, so the event and the change it records
/// commit together. Numbering and hashing happen in the database (trigger <c>audit_events_chain</c>).
/// </summary>
public static class AuditLog
{
    public static async Task AppendAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid tenantId,
        string actor, string action, string target, object? data, CancellationToken ct)
    {
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO audit_events (tenant_id, id, actor, action, target, data, seq, prev_hash, hash)
            VALUES (@tenant, @id, @actor, @action, @target, @data, 0, ''::bytea, ''::bytea)
            """, connection, tx);
        cmd.Parameters.AddWithValue("tenant", tenantId);
        AddEvent(cmd, actor, action, target, data);
        await cmd.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The parameters every audit insert shares (the tenant's chain and the platform's): a new id, who, what, data.</summary>
    internal static void AddEvent(NpgsqlCommand cmd, string actor, string action, string target, object? data)
    {
        cmd.Parameters.AddWithValue("id", Guid.CreateVersion7());
        cmd.Parameters.AddWithValue("actor", actor);
        cmd.Parameters.AddWithValue("action", action);
        cmd.Parameters.AddWithValue("target", target);
        cmd.Parameters.Add(new NpgsqlParameter("data", NpgsqlDbType.Jsonb) { Value = JsonSerializer.Serialize(data ?? new { }, AuditJson.Options) });
    }
}

/// <summary>Audit action names.</summary>
public static class AuditActions
{
    public const string TenantCreated = "tenant.created";
    public const string TenantCredentialRotated = "tenant.credential_rotated";
    public const string TenantSuspended = "tenant.suspended";
    public const string TenantResumed = "tenant.resumed";
    public const string AgentCreated = "agent.created";
    public const string AgentUpdated = "agent.updated";
    public const string AgentDisabled = "agent.disabled";
    public const string AgentEnabled = "agent.enabled";
    public const string AgentDeleted = "agent.deleted";
    public const string CredentialRotated = "agent.credential_rotated";
    public const string TierChanged = "tenant.tier_changed";
    public const string BillingEvent = "billing.stripe_event";
    public const string UpgradeRequested = "billing.upgrade_requested";

    // Platform-level (platform_audit_events): signing keys belong to no tenant.
    public const string SigningKeyCreated = "signing_key.created";
    public const string SigningKeyRotated = "signing_key.rotated";
    public const string SigningKeyRevoked = "signing_key.revoked";

    /// <summary>The actor of what the service does by itself (the first signing key of a new database).</summary>
    public const string SystemActor = "system";
}

internal static class AuditJson
{
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web);
}
