using AgentIdP.Api.Platform;
using AgentIdP.Api.Tenants;
using AgentIdP.Api.Tiers;
using Stripe;

namespace AgentIdP.Api.Billing;

/// <summary>
/// The operator's tier change, with the tenant's Stripe subscription made to agree first: free cancels it at once,
/// another paid tier changes its price (prorated on the next invoice). Stripe goes first and the tier second: if Stripe
/// fails, nothing is written and the answer is a 502/503; if the write fails after Stripe changed, the event Stripe
/// sends for the change sets the same tier.
/// </summary>
public sealed partial class StripeOperatorTierChange(StripeBilling stripe, BillingStore store, TenantStore tenants, ILogger<StripeOperatorTierChange> logger)
    : IOperatorTierChange
{
    public async Task<Results<Ok<Tenant>, ProblemHttpResult>> ChangeAsync(Guid tenantId, Tier tier, string actor, string? reason, CancellationToken ct)
    {
        if (await store.FindAsync(tenantId, ct) is not { } account) return Problems.NotFound("tenant");
        object why = new { source = "operator", reason };
        if (account.StripeSubscriptionId is { } subscriptionId && stripe.Configured)
        {
            try
            {
                if (await FollowAsync(tenantId, subscriptionId, tier, ct) is not { } followed)
                {
                    return Problems.Conflict($"The tenant's Stripe subscription {subscriptionId} is not being paid (unpaid, incomplete or paused), so its next event "
                        + "would take a paid tier back: set the tier to free (which cancels it) or settle the subscription in Stripe first.");
                }
                why = new { source = "operator", reason, stripe = followed };
            }
            catch (Exception e) when (StripeFailures.Problem(e, "The tier was not changed.") is { } problem)
            {
                LogStripeFailed(logger, e, tenantId, tier.Name());
                return problem;
            }
        }
        return await tenants.SetTierAsync(tenantId, tier, actor, why, ct) is { } tenant ? TypedResults.Ok(tenant) : Problems.NotFound("tenant");
    }

    /// <summary>What was done to the subscription (for the audit event); null when it cannot carry a paid tier.</summary>
    private async Task<object?> FollowAsync(Guid tenantId, string subscriptionId, Tier tier, CancellationToken ct)
    {
        var subscription = await stripe.Subscriptions.GetAsync(subscriptionId, cancellationToken: ct);
        if (PaidTier.IsOver(subscription.Status))
        {
            await store.UnlinkAsync(tenantId, subscriptionId, ct);
            return new { subscriptionId, action = "none", status = subscription.Status };
        }
        if (tier != Tier.Free && !PaidTier.Grants(subscription.Status, tier, current: tier)) return null;
        var voidedInvoice = await stripe.DiscardPendingUpdateAsync(subscription, ct);
        if (tier == Tier.Free)
        {
            await stripe.Subscriptions.CancelAsync(subscriptionId, new SubscriptionCancelOptions { Prorate = false, InvoiceNow = false }, cancellationToken: ct);
            await store.UnlinkAsync(tenantId, subscriptionId, ct);
            return new { subscriptionId, action = "canceled", voidedInvoice };
        }
        var price = stripe.Options.PriceFor(tier)!;
        if (StripeBilling.PriceOf(subscription) == price) return new { subscriptionId, action = "unchanged", voidedInvoice };
        await stripe.ChangePriceAsync(subscription, price, chargeNow: false, ct);
        return new { subscriptionId, action = "price_changed", price, voidedInvoice };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Stripe failed while the operator moved tenant {TenantId} to {Tier}; nothing was changed")]
    private static partial void LogStripeFailed(ILogger logger, Exception exception, Guid tenantId, string tier);
}
