using AgentIdP.Api.Auth;
using AgentIdP.Api.Agents;
using AgentIdP.Api.Audit;
using AgentIdP.Api.OAuth;
using AgentIdP.Api.Tiers;
using Dapper;
using Npgsql;

namespace AgentIdP.Api.Tenants;

public sealed class TenantStore(NpgsqlDataSource db, ClientSecrets secrets, ClientStore clients, TenantTiers tiers, TimeProvider clock)
{
    public const string Select = "SELECT id, name, tier, created_at AS \"CreatedAt\" FROM tenants";

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

    public async Task<RotatedSecret> RotateAdminSecretAsync(Guid tenantId, string actor, TimeSpan grace, CancellationToken ct)
    {
        var secret = ClientSecrets.Generate();
        var previousExpiresAt = clock.GetUtcNow() + grace;
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var clientId = await connection.ExecuteScalarAsync<string>(new CommandDefinition(
            "SELECT client_id FROM clients WHERE tenant_id = @tenantId AND kind = 'tenant_admin' ORDER BY created_at LIMIT 1 FOR UPDATE",
            new { tenantId }, tx, cancellationToken: ct));
        await AgentStore.RotateClientSecretAsync(connection, tx, clientId!, secrets.Hash(secret), previousExpiresAt, ct);
        await AuditLog.AppendAsync(connection, tx, tenantId, actor, AuditActions.TenantCredentialRotated, clientId!,
            new { gracePeriodSeconds = (long)grace.TotalSeconds }, ct);
        await tx.CommitAsync(ct);
        clients.Changed(clientId!);
        return new RotatedSecret(clientId!, secret, previousExpiresAt);
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

    internal sealed record Row(Guid Id, string Name, string Tier, DateTime CreatedAt)
    {
        public Tenant ToTenant() => new(Id, Name, Tier, new DateTimeOffset(CreatedAt, TimeSpan.Zero));
    }
}
