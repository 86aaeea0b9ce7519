using System.Net;
using AgentIdP.TestSupport;

namespace AgentIdP.Api.Tests.Billing;

public sealed class OperatorTierChangeTests : BillingApi
{
    [Fact]
    public async Task Operator_downgrade_to_free_cancels_the_subscription_in_stripe_and_its_events_keep_the_tenant_free()
    {
        var (tenant, admin, subscription, _) = await SubscribedAsync(FakeStripe.ProPrice);

        var (status, _) = await SendAsync(HttpMethod.Put, $"/api/tenants/{tenant.TenantId}/tier", await Http.PlatformTokenAsync(), new { tier = "free", reason = "refund" });
        var outcomes = await DeliverStripeEventsAsync();
        var (_, nextUpgrade) = await SendAsync(HttpMethod.Post, "/api/billing/upgrade", admin, new { tier = "pro" });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Single(Stripe.Requests, r => r.Method == "DELETE" && r.Path == $"/v1/subscriptions/{subscription}");
        Assert.Equal("canceled", Stripe.Subscriptions[subscription].Status);
        Assert.Equal(["ignored"], outcomes);
        Assert.Equal("free", await TierAsync(admin));
        Assert.Equal("checkout", nextUpgrade["status"]!.GetValue<string>());
    }

    [Fact]
    public async Task Operator_change_between_paid_tiers_changes_the_subscription_price_so_later_events_keep_it()
    {
        var (tenant, admin, subscription, _) = await SubscribedAsync(FakeStripe.EnterprisePrice);

        var (status, _) = await SendAsync(HttpMethod.Put, $"/api/tenants/{tenant.TenantId}/tier", await Http.PlatformTokenAsync(), new { tier = "pro" });
        await DeliverStripeEventsAsync();
        Stripe.Change(subscription, Stripe.Subscriptions[subscription]);
        await DeliverStripeEventsAsync();

        Assert.Equal(HttpStatusCode.OK, status);
        var update = Assert.Single(Stripe.Requests, r => r.Method == "POST" && r.Path == $"/v1/subscriptions/{subscription}");
        Assert.Equal(FakeStripe.ProPrice, update.Form["items[0][price]"]);
        Assert.Equal("create_prorations", update.Form["proration_behavior"]);
        Assert.Equal(("active", FakeStripe.ProPrice), (Stripe.Subscriptions[subscription].Status, Stripe.Subscriptions[subscription].Price));
        Assert.Equal("pro", await TierAsync(admin));
    }

    [Theory]
    [InlineData("free")]
    [InlineData("enterprise")]
    public async Task Operator_change_when_stripe_is_unreachable_answers_503_and_changes_nothing(string target)
    {
        var (tenant, admin, subscription, _) = await SubscribedAsync(FakeStripe.ProPrice);
        var auditBefore = await AuditActionsAsync(admin);
        Stripe.Unreachable = true;

        var (status, problem) = await SendAsync(HttpMethod.Put, $"/api/tenants/{tenant.TenantId}/tier", await Http.PlatformTokenAsync(), new { tier = target });
        Stripe.Unreachable = false;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("The tier was not changed", problem["detail"]!.GetValue<string>());
        Assert.Equal("pro", await TierAsync(admin));
        Assert.Equal(("active", FakeStripe.ProPrice), (Stripe.Subscriptions[subscription].Status, Stripe.Subscriptions[subscription].Price));
        Assert.Equal(auditBefore, await AuditActionsAsync(admin));
    }

    [Fact]
    public async Task Operator_change_when_stripe_does_not_answer_gives_up_with_503_and_changes_nothing()
    {
        var (tenant, admin, subscription, _) = await SubscribedAsync(FakeStripe.ProPrice);
        Stripe.Hangs = true;

        var (status, problem) = await SendAsync(HttpMethod.Put, $"/api/tenants/{tenant.TenantId}/tier", await Http.PlatformTokenAsync(), new { tier = "free" });
        Stripe.Hangs = false;

        Assert.Equal(HttpStatusCode.ServiceUnavailable, status);
        Assert.Contains("Stripe could not be reached", problem["detail"]!.GetValue<string>());
        Assert.Equal("pro", await TierAsync(admin));
        Assert.Equal("active", Stripe.Subscriptions[subscription].Status);
    }

    [Fact]
    public async Task Operator_change_that_stripe_refuses_answers_502_and_changes_nothing()
    {
        var (tenant, admin, subscription, _) = await SubscribedAsync(FakeStripe.ProPrice);
        Stripe.Subscriptions.TryRemove(subscription, out _);

        var (status, problem) = await SendAsync(HttpMethod.Put, $"/api/tenants/{tenant.TenantId}/tier", await Http.PlatformTokenAsync(), new { tier = "free" });

        Assert.Equal(HttpStatusCode.BadGateway, status);
        Assert.Contains("Stripe refused the request", problem["detail"]!.GetValue<string>());
        Assert.Equal("pro", await TierAsync(admin));
    }

    [Fact]
    public async Task Operator_change_without_a_subscription_changes_only_the_tier()
    {
        var tenant = await Http.CreateTenantAsync();
        var admin = await Http.AdminTokenAsync(tenant);

        var (status, _) = await SendAsync(HttpMethod.Put, $"/api/tenants/{tenant.TenantId}/tier", await Http.PlatformTokenAsync(), new { tier = "enterprise" });

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Empty(Stripe.Requests);
        Assert.Equal("enterprise", await TierAsync(admin));
    }

    [Fact]
    public async Task Operator_change_discards_an_upgrade_awaiting_payment_so_it_cannot_apply_later()
    {
        var (tenant, admin, subscription, _) = await SubscribedAsync(FakeStripe.ProPrice);
        Stripe.CardDeclines = true;
        await SendAsync(HttpMethod.Post, "/api/billing/upgrade", admin, new { tier = "enterprise" });
        var openInvoice = Stripe.Subscriptions[subscription].LatestInvoice!;

        var (status, _) = await SendAsync(HttpMethod.Put, $"/api/tenants/{tenant.TenantId}/tier", await Http.PlatformTokenAsync(), new { tier = "pro" });
        await DeliverStripeEventsAsync();

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("void", Stripe.Invoices[openInvoice].Status);
        Assert.Null(Stripe.Subscriptions[subscription].PendingPrice);
        Assert.Equal("pro", await TierAsync(admin));
    }

    [Fact]
    public async Task Late_events_of_a_subscription_the_operator_canceled_leave_a_later_manual_tier_alone()
    {
        var (tenant, admin, subscription, customer) = await SubscribedAsync(FakeStripe.ProPrice);
        var platform = await Http.PlatformTokenAsync();
        await SendAsync(HttpMethod.Put, $"/api/tenants/{tenant.TenantId}/tier", platform, new { tier = "free" });
        await SendAsync(HttpMethod.Put, $"/api/tenants/{tenant.TenantId}/tier", platform, new { tier = "enterprise", reason = "partner deal" });

        var stale = FakeStripe.Event($"evt_{Guid.NewGuid():N}", "customer.subscription.updated",
            FakeStripe.SubscriptionJson(subscription, ("active", FakeStripe.ProPrice, customer)), DateTimeOffset.UtcNow.AddMinutes(-5));
        Stripe.Outbox.Enqueue(stale);
        var outcomes = await DeliverStripeEventsAsync();

        Assert.All(outcomes, o => Assert.Equal("ignored", o));
        Assert.Equal("enterprise", await TierAsync(admin));
    }
}
