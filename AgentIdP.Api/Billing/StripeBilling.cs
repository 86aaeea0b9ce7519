using AgentIdP.Api.Tenants;
using AgentIdP.Api.Tiers;
using Microsoft.Extensions.Options;
using Stripe;
using Stripe.Checkout;

namespace AgentIdP.Api.Billing;

/// <summary>
/// Talks to Stripe: starts upgrades (Checkout, or a price change on an existing subscription) and applies verified
/// webhooks. The tier follows the subscription as Stripe holds it now, re-read on every event, so events that
/// arrive late or twice cannot move the tier backwards.
/// </summary>
public sealed partial class StripeBilling(
    IOptions<BillingOptions> options, BillingStore store, TenantStore tenants, TimeProvider clock, ILogger<StripeBilling> logger)
{
    private static readonly HashSet<string> PayingStatuses = ["active", "trialing", "past_due"];
    private readonly BillingOptions _options = options.Value;
    private readonly Lazy<StripeClient> _client = new(() => new StripeClient(new StripeClientOptions
    {
        ApiKey = options.Value.SecretKey,
        ApiBase = string.IsNullOrEmpty(options.Value.ApiBase) ? null : options.Value.ApiBase,
    }));

    public bool Configured => _options.Configured;

    public sealed record UpgradeStarted(string Status, string? CheckoutUrl, string? SessionId, string Message);

    public async Task<UpgradeStarted> StartUpgradeAsync(BillingStore.Account account, Tier target, Uri successUrl, Uri cancelUrl, CancellationToken ct)
    {
        var price = _options.PriceFor(target)!;
        if (account.StripeSubscriptionId is { } subscriptionId)
        {
            var subscriptions = new SubscriptionService(_client.Value);
            var subscription = await subscriptions.GetAsync(subscriptionId, cancellationToken: ct);
            await subscriptions.UpdateAsync(subscriptionId, new SubscriptionUpdateOptions
            {
                Items = [new SubscriptionItemOptions { Id = subscription.Items.Data[0].Id, Price = price }],
                ProrationBehavior = "create_prorations",
                Metadata = new Dictionary<string, string> { ["tenant_id"] = account.TenantId.ToString(), ["tier"] = target.Name() },
            }, cancellationToken: ct);
            return new UpgradeStarted("pending", null, null,
                $"Stripe is moving your subscription to {target.Name()}; the tier changes when Stripe confirms it.");
        }

        var session = await new SessionService(_client.Value).CreateAsync(new SessionCreateOptions
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
        return new UpgradeStarted("checkout", session.Url, session.Id, $"Complete the payment in Stripe Checkout to move to {target.Name()}.");
    }

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
        Guid? tenantId = null;
        switch (stripeEvent.Data.Object)
        {
            case Session session when stripeEvent.Type == EventTypes.CheckoutSessionCompleted:
                tenantId = Guid.TryParse(session.ClientReferenceId, out var t) ? t : await store.TenantOfAsync(session.SubscriptionId, session.CustomerId, ct);
                if (tenantId is { } tenant)
                {
                    await store.LinkAsync(tenant, session.CustomerId, session.SubscriptionId, ct);
                    if (session.SubscriptionId is { } sub) await SyncAsync(tenant, sub, stripeEvent.Id, ct);
                }
                break;
            case Subscription subscription when stripeEvent.Type is EventTypes.CustomerSubscriptionUpdated or EventTypes.CustomerSubscriptionDeleted:
                tenantId = subscription.Metadata?.TryGetValue("tenant_id", out var id) == true && Guid.TryParse(id, out var fromMetadata)
                    ? fromMetadata
                    : await store.TenantOfAsync(subscription.Id, subscription.CustomerId, ct);
                if (tenantId is { } owner)
                {
                    await store.LinkAsync(owner, subscription.CustomerId, subscription.Id, ct);
                    await SyncAsync(owner, subscription.Id, stripeEvent.Id, ct);
                }
                break;
        }
        await store.RecordAsync(stripeEvent.Id, stripeEvent.Type, tenantId, ct);
        return tenantId is null ? "ignored" : "applied";
    }

    /// <summary>Sets the tier from the subscription as Stripe holds it now, not from what the event said.</summary>
    private async Task SyncAsync(Guid tenantId, string subscriptionId, string eventId, CancellationToken ct)
    {
        var subscription = await new SubscriptionService(_client.Value).GetAsync(subscriptionId, cancellationToken: ct);
        var paidTier = PayingStatuses.Contains(subscription.Status) ? _options.TierFor(subscription.Items?.Data?.FirstOrDefault()?.Price?.Id) : null;
        var tier = paidTier ?? Tier.Free;
        await tenants.SetTierAsync(tenantId, tier, "stripe",
            new { source = "stripe", eventId, subscriptionId, status = subscription.Status, at = clock.GetUtcNow() }, ct);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rejected a Stripe webhook: {Reason}")]
    private static partial void LogRejected(ILogger logger, string reason);
}
