using AgentIdP.Api.Agents;
using AgentIdP.Api.Audit;
using AgentIdP.Api.OAuth;
using Dapper;
using Npgsql;

namespace AgentIdP.Api.Tenants;

public sealed class TenantStore(NpgsqlDataSource db, ClientSecrets secrets, ClientStore clients, TimeProvider clock)
{
    public const string Select = "SELECT id, name, plan, created_at FROM tenants";

    public static async Task<Tenant?> FindAsync(NpgsqlDataSource db, Guid id, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(Select + " WHERE id = @id", new { id }, cancellationToken: ct));
        return row?.ToTenant();
    }

    /// <summary>Creates the tenant, its admin client and secret, and the first event of its audit chain, in one transaction.</summary>
    public async Task<CreatedTenant> CreateAsync(string name, string actor, Guid? id, string? adminClientId, string? adminSecret, CancellationToken ct)
    {
        var tenantId = id ?? Guid.CreateVersion7();
        var clientId = adminClientId ?? AgentStore.NewClientId("tadm_");
        var secret = adminSecret ?? ClientSecrets.Generate();
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO tenants (id, name) VALUES (@tenantId, @name);
            INSERT INTO clients (client_id, tenant_id, kind, scopes) VALUES (@clientId, @tenantId, 'tenant_admin', @scopes);
            INSERT INTO client_secrets (client_id, secret_hash) VALUES (@clientId, @hash);
            """, new { tenantId, name, clientId, scopes = new[] { Scopes.TenantAdmin }, hash = secrets.Hash(secret) }, tx, cancellationToken: ct));
        await AuditLog.AppendAsync(connection, tx, tenantId, actor, AuditActions.TenantCreated, tenantId.ToString(), new { name, adminClientId = clientId }, ct);
        await tx.CommitAsync(ct);
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

    internal sealed record Row(Guid Id, string Name, string Plan, DateTime CreatedAt)
    {
        public Tenant ToTenant() => new(Id, Name, Plan, new DateTimeOffset(CreatedAt, TimeSpan.Zero));
    }
}
