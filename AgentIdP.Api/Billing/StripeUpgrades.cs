using AgentIdP.Api.Tiers;
using Stripe;
using Stripe.Checkout;

namespace AgentIdP.Api.Billing;

/// <summary>
/// A tenant admin's upgrade. Without a subscription: Stripe Checkout, and the tier changes on its webhook. With one: the
/// price change is invoiced and charged at once (<c>pending_if_incomplete</c>, <c>always_invoice</c>), and Stripe applies
/// it only if that invoice is paid, so the tier rises only for what was paid.
/// </summary>
public sealed class StripeUpgrades(StripeBilling stripe, BillingStore store)
{
    public sealed record UpgradeStarted(string Status, string? CheckoutUrl, string? SessionId, string Message);

    public async Task<Results<Ok<UpgradeStarted>, ProblemHttpResult>> StartAsync(
        BillingStore.Account account, Tier current, Tier target, Uri successUrl, Uri cancelUrl, CancellationToken ct)
    {
        var price = stripe.Options.PriceFor(target)!;
        if (account.StripeSubscriptionId is { } subscriptionId)
        {
            // With its latest invoice, so that a refusal can link the one to pay.
            var subscription = await stripe.Subscriptions.GetAsync(subscriptionId, new SubscriptionGetOptions { Expand = ["latest_invoice"] }, cancellationToken: ct);
            if (!PaidTier.IsOver(subscription.Status)) return await ChangePriceAsync(account.TenantId, subscription, current, target, price, ct);
            // It ended and its event has not reached us yet: a new subscription goes through Checkout.
            await store.UnlinkAsync(account.TenantId, subscriptionId, ct);
        }

        var session = await stripe.CheckoutSessions.CreateAsync(new SessionCreateOptions
        {
            Mode = "subscription",
            LineItems = [new SessionLineItemOptions { Price = price, Quantity = 1 }],
            ClientReferenceId = account.TenantId.ToString(),
            Customer = account.StripeCustomerId,
            SuccessUrl = successUrl.ToString(),
            CancelUrl = cancelUrl.ToString(),
            Metadata = new Dictionary<string, string> { ["tenant_id"] = account.TenantId.ToString(), ["tier"] = target.Name() },
            SubscriptionData = new SessionSubscriptionDataOptions
            {
                Metadata = new Dictionary<string, string> { ["tenant_id"] = account.TenantId.ToString() },
            },
        }, cancellationToken: ct);
        return TypedResults.Ok(new UpgradeStarted("checkout", session.Url, session.Id, $"Complete the payment in Stripe Checkout to move to {target.Name()}."));
    }

    private async Task<Results<Ok<UpgradeStarted>, ProblemHttpResult>> ChangePriceAsync(
        Guid tenantId, Subscription subscription, Tier current, Tier target, string price, CancellationToken ct)
    {
        if (!PaidTier.Grants(subscription.Status, target, current))
        {
            var openInvoiceUrl = subscription.LatestInvoice is { Status: "open" } open ? open.HostedInvoiceUrl : null;
            return TypedResults.Problem($"Your subscription is {subscription.Status}, so it cannot take an upgrade now. "
                + (openInvoiceUrl is null ? "Settle it in Stripe or with support" : $"Pay its open invoice at {openInvoiceUrl}")
                + ", then upgrade again; your tier stays as it is meanwhile.",
                statusCode: StatusCodes.Status409Conflict, title: "Subscription not paid up",
                extensions: new Dictionary<string, object?> { ["invoiceUrl"] = openInvoiceUrl, ["subscriptionStatus"] = subscription.Status });
        }
        // A new attempt replaces an earlier unpaid one, whose invoice could otherwise still be paid and applied.
        await stripe.DiscardPendingUpdateAsync(subscription, ct);
        var updated = await stripe.ChangePriceAsync(subscription, price, chargeNow: true, ct);
        if (updated.PendingUpdate is null && StripeBilling.PriceOf(updated) == price)
        {
            // Stripe applied the change, so its invoice is paid: no need to wait for the webhook (which will agree).
            var now = await stripe.ApplySubscriptionAsync(tenantId, current, updated, eventId: null, ct);
            return TypedResults.Ok(new UpgradeStarted("upgraded", null, null, $"Paid: the tenant is on the {now.Name()} tier now."));
        }
        var invoiceUrl = updated.LatestInvoice?.HostedInvoiceUrl;
        return TypedResults.Problem(
            $"The payment for the upgrade to {target.Name()} did not go through, so you stay on {current.Name()}. "
            + (invoiceUrl is null ? "Pay the open invoice in Stripe" : $"Pay the open invoice at {invoiceUrl}")
            + " and the upgrade applies itself; unpaid, it lapses after 23 hours and nothing changes.",
            statusCode: StatusCodes.Status402PaymentRequired, title: "Upgrade not paid",
            extensions: new Dictionary<string, object?> { ["invoiceUrl"] = invoiceUrl, ["tier"] = current.Name() });
    }
}
