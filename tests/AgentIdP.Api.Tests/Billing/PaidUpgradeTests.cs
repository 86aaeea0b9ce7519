using System.Net;
using AgentIdP.TestSupport;

namespace AgentIdP.Api.Tests.Billing;

public sealed class PaidUpgradeTests : BillingApi
{
    [Fact]
    public async Task An_upgrade_paid_at_once_raises_the_tier_and_bills_the_difference_now()
    {
        var (_, admin, subscription, _) = await SubscribedAsync(FakeStripe.ProPrice);

        var (status, started) = await SendAsync(HttpMethod.Post, "/api/billing/upgrade", admin, new { tier = "enterprise" });
        var tierAtOnce = await TierAsync(admin);
        var outcomes = await DeliverStripeEventsAsync();

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("upgraded", started["status"]!.GetValue<string>());
        var update = Assert.Single(Stripe.Requests, r => r.Method == "POST" && r.Path == $"/v1/subscriptions/{subscription}");
        Assert.Equal(FakeStripe.EnterprisePrice, update.Form["items[0][price]"]);
        Assert.Equal("pending_if_incomplete", update.Form["payment_behavior"]);
        Assert.Equal("always_invoice", update.Form["proration_behavior"]);
        Assert.Equal("paid", Assert.Single(Stripe.Invoices.Values).Status);
        Assert.Equal("enterprise", tierAtOnce);
        Assert.Equal(["applied", "applied"], outcomes);
        Assert.Equal("enterprise", await TierAsync(admin));
    }

    [Fact]
    public async Task An_upgrade_whose_invoice_is_declined_leaves_the_tier_unchanged_through_the_pending_update_events()
    {
        var (_, admin, subscription, customer) = await SubscribedAsync(FakeStripe.ProPrice);
        Stripe.CardDeclines = true;

        var (status, problem) = await SendAsync(HttpMethod.Post, "/api/billing/upgrade", admin, new { tier = "enterprise" });
        var pending = Stripe.Subscriptions[subscription];
        var outcomes = await DeliverStripeEventsAsync();
        var afterFailure = await TierAsync(admin);
        // Stripe keeps sending the subscription with its pending update (a renewal, a retry), then lets the update lapse.
        Stripe.Change(subscription, Stripe.Subscriptions[subscription]);
        await DeliverStripeEventsAsync();
        var afterMoreEvents = await TierAsync(admin);
        Stripe.Change(subscription, new FakeSubscription("active", FakeStripe.ProPrice, customer), "customer.subscription.pending_update_expired");
        await DeliverStripeEventsAsync();

        Assert.Equal(HttpStatusCode.PaymentRequired, status);
        Assert.Equal("pro", problem["tier"]!.GetValue<string>());
        Assert.StartsWith("https://invoice.stripe.test/", problem["invoiceUrl"]!.GetValue<string>());
        Assert.Equal((FakeStripe.ProPrice, FakeStripe.EnterprisePrice), (pending.Price, pending.PendingPrice));
        Assert.Equal(["applied", "applied"], outcomes);
        Assert.Equal("pro", afterFailure);
        Assert.Equal("pro", afterMoreEvents);
        Assert.Equal("pro", await TierAsync(admin));
    }

    [Fact]
    public async Task A_declined_upgrade_paid_later_raises_the_tier_when_stripe_applies_it()
    {
        var (_, admin, subscription, _) = await SubscribedAsync(FakeStripe.ProPrice);
        Stripe.CardDeclines = true;
        var (status, _) = await SendAsync(HttpMethod.Post, "/api/billing/upgrade", admin, new { tier = "enterprise" });
        await DeliverStripeEventsAsync();
        var beforePaying = await TierAsync(admin);

        Stripe.PayOpenInvoice(subscription);
        await DeliverStripeEventsAsync();

        Assert.Equal(HttpStatusCode.PaymentRequired, status);
        Assert.Equal("pro", beforePaying);
        Assert.Equal("enterprise", await TierAsync(admin));
    }

    [Fact]
    public async Task A_second_attempt_after_a_declined_upgrade_voids_the_first_invoice_so_only_one_can_be_paid()
    {
        var (_, admin, subscription, _) = await SubscribedAsync(FakeStripe.ProPrice);
        Stripe.CardDeclines = true;
        await SendAsync(HttpMethod.Post, "/api/billing/upgrade", admin, new { tier = "enterprise" });
        var firstInvoice = Stripe.Subscriptions[subscription].LatestInvoice!;
        Stripe.CardDeclines = false;

        var (status, _) = await SendAsync(HttpMethod.Post, "/api/billing/upgrade", admin, new { tier = "enterprise" });
        await DeliverStripeEventsAsync();

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("void", Stripe.Invoices[firstInvoice].Status);
        Assert.Equal("paid", Stripe.Invoices[Stripe.Subscriptions[subscription].LatestInvoice!].Status);
        Assert.Equal("enterprise", await TierAsync(admin));
    }

    [Fact]
    public async Task Past_due_keeps_the_paid_tier_through_retries_but_never_raises_it_and_unpaid_is_free()
    {
        var (_, admin, subscription, customer) = await SubscribedAsync(FakeStripe.ProPrice);

        // The price was raised in Stripe's dashboard (prorations left for the renewal), and the renewal failed.
        Stripe.Change(subscription, ("past_due", FakeStripe.EnterprisePrice, customer));
        await DeliverStripeEventsAsync();
        var raisedButUnpaid = await TierAsync(admin);
        Stripe.Change(subscription, ("past_due", FakeStripe.ProPrice, customer));
        await DeliverStripeEventsAsync();
        var retrying = await TierAsync(admin);
        Stripe.Change(subscription, ("unpaid", FakeStripe.ProPrice, customer));
        await DeliverStripeEventsAsync();

        Assert.Equal("pro", raisedButUnpaid);
        Assert.Equal("pro", retrying);
        Assert.Equal("free", await TierAsync(admin));
    }

    [Fact]
    public async Task A_past_due_subscription_grants_nothing_to_a_free_tenant()
    {
        var (_, admin, _, _) = await SubscribedAsync(FakeStripe.EnterprisePrice, status: "past_due");

        Assert.Equal("free", await TierAsync(admin));
    }

    [Fact]
    public async Task An_upgrade_of_a_past_due_subscription_is_refused_until_its_invoice_is_paid()
    {
        var (_, admin, subscription, customer) = await SubscribedAsync(FakeStripe.ProPrice);
        var renewal = new FakeInvoice($"in_{Guid.NewGuid():N}", subscription, "open");
        Stripe.Invoices[renewal.Id] = renewal;
        Stripe.Change(subscription, new FakeSubscription("past_due", FakeStripe.ProPrice, customer) { LatestInvoice = renewal.Id });
        await DeliverStripeEventsAsync();

        var (status, problem) = await SendAsync(HttpMethod.Post, "/api/billing/upgrade", admin, new { tier = "enterprise" });

        Assert.Equal(HttpStatusCode.Conflict, status);
        Assert.Contains("past_due", problem["detail"]!.GetValue<string>());
        Assert.Equal($"https://invoice.stripe.test/i/{renewal.Id}", problem["invoiceUrl"]!.GetValue<string>());
        Assert.DoesNotContain(Stripe.Requests, r => r.Method == "POST" && r.Path.StartsWith("/v1/subscriptions/", StringComparison.Ordinal));
        Assert.Equal("pro", await TierAsync(admin));
    }

    [Fact]
    public async Task Replayed_upgrade_webhooks_are_acknowledged_and_applied_once()
    {
        var (_, admin, subscription, _) = await SubscribedAsync(FakeStripe.ProPrice);
        Stripe.CardDeclines = true;
        await SendAsync(HttpMethod.Post, "/api/billing/upgrade", admin, new { tier = "enterprise" });
        await DeliverStripeEventsAsync();
        Stripe.PayOpenInvoice(subscription);
        var paidEvents = Stripe.Outbox.ToList();

        var first = await DeliverStripeEventsAsync();
        foreach (var body in paidEvents) Stripe.Outbox.Enqueue(body);
        var replayed = await DeliverStripeEventsAsync();

        Assert.All(first, o => Assert.Equal("applied", o));
        Assert.All(replayed, o => Assert.Equal("duplicate", o));
        var actions = await AuditActionsAsync(admin);
        Assert.Equal(2, actions.Count(a => a == "tenant.tier_changed"));
        Assert.Equal("enterprise", await TierAsync(admin));
    }
}
