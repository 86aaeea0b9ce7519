using AgentIdP.Api.Tiers;
using Dapper;
using Npgsql;

namespace AgentIdP.Api.Billing;

/// <summary>The tenant's Stripe ids and the webhook events already applied.</summary>
public sealed class BillingStore(NpgsqlDataSource db)
{
    public sealed record Account(Guid TenantId, string Tier, DateTime TierChangedAt, string? StripeCustomerId, string? StripeSubscriptionId)
    {
        /// <summary>The stored tier as a <see cref="Tiers.Tier"/> (a name no tier has counts as free).</summary>
        public Tiers.Tier CurrentTier => TierConfig.TryParse(Tier, out var tier) ? tier : Tiers.Tier.Free;
    }

    public async Task<Account?> FindAsync(Guid tenantId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QuerySingleOrDefaultAsync<Account>(new CommandDefinition("""
            SELECT id AS "TenantId", tier AS "Tier", tier_changed_at AS "TierChangedAt", stripe_customer_id AS "StripeCustomerId",
                   stripe_subscription_id AS "StripeSubscriptionId"
            FROM tenants WHERE id = @tenantId
            """, new { tenantId }, cancellationToken: ct));
    }

    /// <summary>The tenant a Stripe subscription or customer belongs to.</summary>
    public async Task<Guid?> TenantOfAsync(string? subscriptionId, string? customerId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.QueryFirstOrDefaultAsync<Guid?>(new CommandDefinition("""
            SELECT id FROM tenants WHERE stripe_subscription_id = @subscriptionId OR stripe_customer_id = @customerId LIMIT 1
            """, new { subscriptionId, customerId }, cancellationToken: ct));
    }

    public async Task LinkAsync(Guid tenantId, string? customerId, string? subscriptionId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE tenants SET stripe_customer_id = COALESCE(@customerId, stripe_customer_id),
                               stripe_subscription_id = COALESCE(@subscriptionId, stripe_subscription_id)
            WHERE id = @tenantId
            """, new { tenantId, customerId, subscriptionId }, cancellationToken: ct));
    }

    /// <summary>Forgets an ended subscription, if it is still the tenant's one; the next upgrade goes through Checkout.</summary>
    public async Task UnlinkAsync(Guid tenantId, string subscriptionId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE tenants SET stripe_subscription_id = NULL WHERE id = @tenantId AND stripe_subscription_id = @subscriptionId
            """, new { tenantId, subscriptionId }, cancellationToken: ct));
    }

    public async Task<bool> AlreadyProcessedAsync(string eventId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        return await connection.ExecuteScalarAsync<bool>(new CommandDefinition(
            "SELECT EXISTS (SELECT 1 FROM stripe_events WHERE event_id = @eventId)", new { eventId }, cancellationToken: ct));
    }

    /// <summary>Records the event as applied, with an audit entry on the tenant's chain, in one transaction.</summary>
    public async Task RecordAsync(string eventId, string type, Guid? tenantId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var inserted = await connection.ExecuteAsync(new CommandDefinition(
            "INSERT INTO stripe_events (event_id, type, tenant_id) VALUES (@eventId, @type, @tenantId) ON CONFLICT DO NOTHING",
            new { eventId, type, tenantId }, tx, cancellationToken: ct));
        if (inserted == 1 && tenantId is { } tenant)
        {
            await Audit.AuditLog.AppendAsync(connection, tx, tenant, "stripe", Audit.AuditActions.BillingEvent, eventId, new { type }, ct);
        }
        await tx.CommitAsync(ct);
    }
}
