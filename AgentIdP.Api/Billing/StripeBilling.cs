using AgentIdP.Api.Tenants;
using AgentIdP.Api.Tiers;
using Microsoft.Extensions.Options;
using Stripe;
using Stripe.Checkout;

namespace AgentIdP.Api.Billing;

/// <summary>
/// Talks to Stripe and applies its verified webhooks. The tier follows what the tenant's subscription has paid for
/// (<see cref="PaidTier"/>), re-read from Stripe on every event, so events that arrive late or twice cannot move the
/// tier backwards and an upgrade awaiting payment (a <c>pending_update</c>) grants nothing.
/// </summary>
public sealed partial class StripeBilling(
    IOptions<BillingOptions> options, BillingStore store, TenantStore tenants, TimeProvider clock, ILogger<StripeBilling> logger)
{
    /// <summary>Events about a subscription, or about an invoice of one: each re-reads the subscription.</summary>
    private static readonly HashSet<string> SubscriptionEvents =
    [
        EventTypes.CustomerSubscriptionCreated, EventTypes.CustomerSubscriptionUpdated, EventTypes.CustomerSubscriptionDeleted,
        EventTypes.CustomerSubscriptionPendingUpdateApplied, EventTypes.CustomerSubscriptionPendingUpdateExpired,
        EventTypes.CustomerSubscriptionPaused, EventTypes.CustomerSubscriptionResumed,
        EventTypes.InvoicePaid, EventTypes.InvoicePaymentFailed,
    ];

    private readonly BillingOptions _options = options.Value;
    private readonly Lazy<StripeClient> _client = new(() => new StripeClient(new StripeClientOptions
    {
        ApiKey = options.Value.SecretKey,
        ApiBase = string.IsNullOrEmpty(options.Value.ApiBase) ? null : options.Value.ApiBase,
        HttpClient = new SystemNetHttpClient(new HttpClient { Timeout = TimeSpan.FromSeconds(options.Value.TimeoutSeconds) }, maxNetworkRetries: 2),
    }));

    public bool Configured => _options.Configured;

    public BillingOptions Options => _options;

    public SubscriptionService Subscriptions => new(_client.Value);

    public InvoiceService Invoices => new(_client.Value);

    public SessionService CheckoutSessions => new(_client.Value);

    /// <summary>
    /// Voids the open invoice of an upgrade awaiting payment, which discards the subscription's <c>pending_update</c>:
    /// it could otherwise apply itself later, over a newer change. Answers the voided invoice's id.
    /// </summary>
    public async Task<string?> DiscardPendingUpdateAsync(Subscription subscription, CancellationToken ct)
    {
        if (subscription.PendingUpdate is null || subscription.LatestInvoiceId is not { } invoiceId) return null;
        await Invoices.VoidInvoiceAsync(invoiceId, cancellationToken: ct);
        return invoiceId;
    }

    /// <summary>The subscription's current price (its one item's), never a pending update's.</summary>
    public static string? PriceOf(Subscription subscription) => subscription.Items?.Data?.FirstOrDefault()?.Price?.Id;

    /// <summary>
    /// Moves the subscription's one item to <paramref name="price"/>. Charged now, the prorated difference is invoiced and
    /// charged at once and Stripe applies the price only if that invoice is paid (else it waits in a <c>pending_update</c>,
    /// the invoice in <c>latest_invoice</c>); otherwise the difference is on the next invoice.
    /// </summary>
    public Task<Subscription> ChangePriceAsync(Subscription subscription, string price, bool chargeNow, CancellationToken ct) =>
        Subscriptions.UpdateAsync(subscription.Id, new SubscriptionUpdateOptions
        {
            Items = [new SubscriptionItemOptions { Id = subscription.Items.Data[0].Id, Price = price }],
            PaymentBehavior = chargeNow ? "pending_if_incomplete" : null,
            ProrationBehavior = chargeNow ? "always_invoice" : "create_prorations",
            Expand = chargeNow ? ["latest_invoice"] : null,
        }, cancellationToken: ct);

    /// <summary>Verifies the signature (and a timestamp at most 5 minutes old); null when it does not verify.</summary>
    public Event? Verify(string json, string signature)
    {
        try
        {
            return EventUtility.ConstructEvent(json, signature, _options.WebhookSecret, tolerance: 300, throwOnApiVersionMismatch: false);
        }
        catch (StripeException e)
        {
            LogRejected(logger, e.Message);
            return null;
        }
    }

    /// <summary>Applies a verified event once; a redelivered event changes nothing.</summary>
    public async Task<string> ApplyAsync(Event stripeEvent, CancellationToken ct)
    {
        if (await store.AlreadyProcessedAsync(stripeEvent.Id, ct)) return "duplicate";
        var (tenantId, outcome) = stripeEvent.Data.Object switch
        {
            Session session when stripeEvent.Type == EventTypes.CheckoutSessionCompleted => await CheckoutCompletedAsync(session, stripeEvent.Id, ct),
            Subscription subscription when SubscriptionEvents.Contains(stripeEvent.Type) =>
                await SubscriptionChangedAsync(subscription.Id, subscription.Metadata, subscription.CustomerId, stripeEvent.Id, ct),
            Invoice { Parent.SubscriptionDetails.SubscriptionId: { } subscriptionId } invoice when SubscriptionEvents.Contains(stripeEvent.Type) =>
                await SubscriptionChangedAsync(subscriptionId, invoice.Parent.SubscriptionDetails.Metadata, invoice.CustomerId, stripeEvent.Id, ct),
            _ => (null, "ignored"),
        };
        await store.RecordAsync(stripeEvent.Id, stripeEvent.Type, tenantId, ct);
        return outcome;
    }

    private async Task<(Guid?, string)> CheckoutCompletedAsync(Session session, string eventId, CancellationToken ct)
    {
        var tenantId = Guid.TryParse(session.ClientReferenceId, out var t) ? t : await store.TenantOfAsync(session.SubscriptionId, session.CustomerId, ct);
        if (tenantId is not { } tenant || await store.FindAsync(tenant, ct) is not { } account) return (null, "ignored");
        // A completed Checkout is a new paid subscription: it becomes the tenant's one.
        await store.LinkAsync(tenant, session.CustomerId, session.SubscriptionId, ct);
        if (session.SubscriptionId is { } subscriptionId)
        {
            await ApplySubscriptionAsync(tenant, account.CurrentTier, await Subscriptions.GetAsync(subscriptionId, cancellationToken: ct), eventId, ct);
        }
        return (tenant, "applied");
    }

    private async Task<(Guid?, string)> SubscriptionChangedAsync(
        string subscriptionId, Dictionary<string, string>? metadata, string? customerId, string eventId, CancellationToken ct)
    {
        var tenantId = metadata?.TryGetValue("tenant_id", out var id) == true && Guid.TryParse(id, out var fromMetadata)
            ? fromMetadata
            : await store.TenantOfAsync(subscriptionId, customerId, ct);
        if (tenantId is not { } tenant || await store.FindAsync(tenant, ct) is not { } account) return (null, "ignored");
        // Only the tenant's own subscription sets its tier: not one it had before (the operator canceled it), nor a stray one.
        if (account.StripeSubscriptionId is { } linked && linked != subscriptionId) return (tenant, "ignored");
        var subscription = await Subscriptions.GetAsync(subscriptionId, cancellationToken: ct);
        if (account.StripeSubscriptionId is null)
        {
            if (PaidTier.IsOver(subscription.Status)) return (tenant, "ignored");
            await store.LinkAsync(tenant, subscription.CustomerId, subscription.Id, ct);
        }
        await ApplySubscriptionAsync(tenant, account.CurrentTier, subscription, eventId, ct);
        return (tenant, "applied");
    }

    /// <summary>
    /// Sets the tier from the subscription as Stripe holds it now (its current price, never a pending update);
    /// <paramref name="current"/> is the tenant's tier as the caller read it, which a <c>past_due</c> subscription keeps at most.
    /// </summary>
    public async Task<Tier> ApplySubscriptionAsync(Guid tenantId, Tier current, Subscription subscription, string? eventId, CancellationToken ct)
    {
        if (PaidTier.IsOver(subscription.Status)) await store.UnlinkAsync(tenantId, subscription.Id, ct);
        var tier = PaidTier.Of(subscription.Status, _options.TierFor(PriceOf(subscription)), current);
        await tenants.SetTierAsync(tenantId, tier, "stripe", new
        {
            source = "stripe", eventId, subscriptionId = subscription.Id, status = subscription.Status,
            pendingUpdate = subscription.PendingUpdate is not null, at = clock.GetUtcNow(),
        }, ct);
        return tier;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected a Stripe webhook: {Reason}")]
    private static partial void LogRejected(ILogger logger, string reason);
}
