using AgentIdP.Api.Auth;
using AgentIdP.Api.Agents;
using AgentIdP.Api.Analytics;
using AgentIdP.Api.Audit;
using AgentIdP.Api.OAuth;
using AgentIdP.Api.Tiers;
using Dapper;
using Npgsql;

namespace AgentIdP.Api.Tenants;

public sealed class TenantStore(NpgsqlDataSource db, ClientSecrets secrets, ClientStore clients, TokenWatermarks watermarks, TenantTiers tiers, TimeProvider clock)
{
    public const string Select = "SELECT id, name, tier, created_at AS \"CreatedAt\", suspended_at AS \"SuspendedAt\" FROM tenants";

    public static async Task<Tenant?> FindAsync(NpgsqlDataSource db, Guid id, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(Select + " WHERE id = @id", new { id }, cancellationToken: ct));
        return row?.ToTenant();
    }

    /// <summary>Creates the tenant, its admin client and secret, and the first event of its audit chain, in one transaction.</summary>
    public async Task<CreatedTenant> CreateAsync(string name, Tier tier, string actor, Guid? id, string? adminClientId, string? adminSecret, CancellationToken ct)
    {
        var tenantId = id ?? Guid.CreateVersion7();
        var clientId = adminClientId ?? AgentStore.NewClientId("tadm_");
        var secret = adminSecret ?? ClientSecrets.Generate();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO tenants (id, name, tier) VALUES (@tenantId, @name, @tier);
            INSERT INTO clients (client_id, tenant_id, kind, scopes) VALUES (@clientId, @tenantId, 'tenant_admin', @scopes);
            INSERT INTO client_secrets (client_id, secret_hash) VALUES (@clientId, @hash);
            """, new { tenantId, name, tier = tier.Name(), clientId, scopes = new[] { Scopes.TenantAdmin }, hash = secrets.Hash(secret) }, tx, cancellationToken: ct));
        await AuditLog.AppendAsync(connection, tx, tenantId, actor, AuditActions.TenantCreated, tenantId.ToString(), new { name, tier = tier.Name(), adminClientId = clientId }, ct);
        await tx.CommitAsync(ct);
        tiers.Changed(tenantId, tier);
        return new CreatedTenant((await FindAsync(db, tenantId, ct))!, clientId, secret);
    }

    public async Task<RotatedSecret> RotateAdminSecretAsync(Guid tenantId, string actor, SecretRotation rotation, CancellationToken ct)
    {
        var secret = ClientSecrets.Generate();
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var clientId = await connection.ExecuteScalarAsync<string>(new CommandDefinition(
            "SELECT client_id FROM clients WHERE tenant_id = @tenantId AND kind = 'tenant_admin' ORDER BY created_at LIMIT 1 FOR UPDATE",
            new { tenantId }, tx, cancellationToken: ct));
        var ended = await AgentStore.RotateClientSecretAsync(connection, tx, watermarks, clientId!, secrets.Hash(secret), rotation, now, ct);
        await AuditLog.AppendAsync(connection, tx, tenantId, actor, AuditActions.TenantCredentialRotated, clientId!,
            AgentStore.RotationAudit(rotation, now), ct);
        await tx.CommitAsync(ct);
        clients.Changed(clientId!);
        watermarks.Announce(ended);
        return new RotatedSecret(clientId!, secret, now + rotation.Grace, rotation.RevokeTokens);
    }

    /// <summary>
    /// Suspends or resumes the tenant. Suspension ends every token of the tenant, refuses its clients and hides its
    /// agents' public documents, on every replica within seconds; its data stays. Null when there is no such tenant.
    /// </summary>
    public async Task<Tenant?> SetSuspendedAsync(Guid tenantId, bool suspend, string actor, string? reason, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var wasSuspended = await connection.ExecuteScalarAsync<bool?>(new CommandDefinition(
            "SELECT suspended_at IS NOT NULL FROM tenants WHERE id = @tenantId FOR UPDATE", new { tenantId }, tx, cancellationToken: ct));
        if (wasSuspended is null) return null;
        WatermarkChanged? changed = null;
        if (wasSuspended != suspend)
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE tenants SET suspended_at = @at WHERE id = @tenantId", new { tenantId, at = suspend ? now : (DateTimeOffset?)null }, tx, cancellationToken: ct));
            changed = await watermarks.RaiseAsync(connection, tx, TokenWatermarks.TenantKind, tenantId.ToString(), suspend ? now : null,
                suspend: suspend, ct: ct);
            await AuditLog.AppendAsync(connection, tx, tenantId, actor, suspend ? AuditActions.TenantSuspended : AuditActions.TenantResumed,
                tenantId.ToString(), new { reason, tokensIssuedBefore = suspend ? now : (DateTimeOffset?)null }, ct);
        }
        await tx.CommitAsync(ct);
        if (changed is not null) watermarks.Announce(changed);
        return await FindAsync(db, tenantId, ct);
    }

    public enum Deletion { Deleted, NotFound, NotSuspended, Subscribed }

    /// <summary>
    /// Deletes a suspended tenant and everything it owns (agents, clients, audit chain, analytics); its tokens stay dead
    /// until they expire. A tenant with a Stripe subscription is refused: its billing must end first.
    /// </summary>
    public async Task<Deletion> DeleteAsync(Guid tenantId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var state = await connection.QuerySingleOrDefaultAsync<(bool Suspended, bool Subscribed)?>(new CommandDefinition(
            "SELECT suspended_at IS NOT NULL, stripe_subscription_id IS NOT NULL FROM tenants WHERE id = @tenantId FOR UPDATE",
            new { tenantId }, tx, cancellationToken: ct));
        if (state is not { } s) return Deletion.NotFound;
        if (!s.Suspended) return Deletion.NotSuspended;
        if (s.Subscribed) return Deletion.Subscribed;
        // The tenant stays suspended in its watermark: replicas may still hold its clients' records for a few seconds,
        // and a suspended tenant's clients are refused whatever the cache says. Housekeeping drops the row later.
        var ended = await watermarks.RaiseAsync(connection, tx, TokenWatermarks.TenantKind, tenantId.ToString(), now, ct: ct);
        await AnalyticsRetention.DeleteTenantAsync(connection, tx, tenantId, ct);
        // Clients, secrets, agents and audit events go with the tenant (ON DELETE CASCADE).
        await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM tenants WHERE id = @tenantId", new { tenantId }, tx, cancellationToken: ct));
        await tx.CommitAsync(ct);
        watermarks.Announce(ended);
        return Deletion.Deleted;
    }

    /// <summary>Sets the tenant's tier (operator action or verified billing event), audited, announced to every replica.</summary>
    public async Task<Tenant?> SetTierAsync(Guid tenantId, Tier tier, string actor, object? why, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var previous = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
            "SELECT tier FROM tenants WHERE id = @tenantId FOR UPDATE", new { tenantId }, tx, cancellationToken: ct));
        if (previous is null) return null;
        if (previous != tier.Name())
        {
            await connection.ExecuteAsync(new CommandDefinition(
                "UPDATE tenants SET tier = @tier, tier_changed_at = now() WHERE id = @tenantId", new { tenantId, tier = tier.Name() }, tx, cancellationToken: ct));
            await AuditLog.AppendAsync(connection, tx, tenantId, actor, AuditActions.TierChanged, tenantId.ToString(),
                new { from = previous, to = tier.Name(), why }, ct);
        }
        await tx.CommitAsync(ct);
        tiers.Changed(tenantId, tier);
        return await FindAsync(db, tenantId, ct);
    }

    internal sealed record Row(Guid Id, string Name, string Tier, DateTime CreatedAt, DateTime? SuspendedAt)
    {
        public Tenant ToTenant() => new(Id, Name, Tier, new DateTimeOffset(CreatedAt, TimeSpan.Zero),
            SuspendedAt is { } at ? new DateTimeOffset(at, TimeSpan.Zero) : null);
    }
}
