using System.Text;
using AgentIdP.TestSupport;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AgentIdP.Portal.Tests.Usage;

[Collection(PortalCollection.Name)]
public sealed class UsagePageTests(PortalFixture fixture)
{
    [Fact]
    public async Task The_usage_page_shows_todays_calls_on_the_quota_meter_and_the_tier_table_with_the_current_tier()
    {
        var admin = await fixture.Api.CreateTenantAsync();
        await using var browser = await fixture.NewSessionAsync();
        await browser.SignInAsync(admin);

        await browser.Page.GotoAsync(PortalRoutes.Usage);

        var meter = browser.Page.Locator("#quota-meter");
        await Expect(meter).ToBeVisibleAsync();
        Assert.True(long.Parse((await meter.GetAttributeAsync("data-used"))!) >= 1, "the sign-in's own calls are counted");
        Assert.Equal("10000", await meter.GetAttributeAsync("data-quota"));
        await Expect(browser.Page.Locator("#quota")).ToContainTextAsync("of 10,000 calls used today");
        await Expect(browser.Page.Locator("#tier-table tbody tr")).ToHaveCountAsync(3);
        await Expect(browser.Page.Locator("#tier-table tr.current")).ToHaveAttributeAsync("data-tier", "free");
        await Expect(browser.Page.GetByRole(AriaRole.Button, new() { Name = "Upgrade to pro" })).ToBeVisibleAsync();
        await Expect(browser.Page.GetByRole(AriaRole.Button, new() { Name = "Upgrade to enterprise" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Upgrade_goes_to_stripe_checkout_and_the_return_page_shows_pending_until_the_webhook_completes_it()
    {
        var admin = await fixture.Api.CreateTenantAsync();
        await using var browser = await fixture.NewSessionAsync();
        await browser.Page.RouteAsync("https://checkout.stripe.test/**", route => route.FulfillAsync(new() { Body = "<h1>Stripe Checkout (test)</h1>", ContentType = "text/html" }));
        await browser.SignInAsync(admin);
        await browser.Page.GotoAsync(PortalRoutes.Usage);

        await browser.Page.GetByRole(AriaRole.Button, new() { Name = "Upgrade to pro" }).ClickAsync();
        await Expect(browser.Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("^https://checkout\\.stripe\\.test/"));
        var checkout = fixture.Stripe.Requests.Last(r => r.Path == "/v1/checkout/sessions");
        Assert.Equal(admin.TenantId.ToString(), checkout.Form["client_reference_id"]);

        // Back from Checkout before Stripe's webhook: pending.
        await browser.Page.GotoAsync(new Uri(checkout.Form["success_url"]).PathAndQuery);
        await Expect(browser.Page.Locator("#upgrade-state")).ToHaveAttributeAsync("data-state", "pending");

        var subscription = $"sub_{admin.TenantId:N}";
        fixture.Stripe.Subscriptions[subscription] = ("active", FakeStripe.ProPrice, $"cus_{admin.TenantId:N}");
        var body = FakeStripe.Event($"evt_{Guid.NewGuid():N}", "checkout.session.completed",
            FakeStripe.CompletedSession(admin.TenantId, subscription, $"cus_{admin.TenantId:N}"));
        using var http = new HttpClient { BaseAddress = fixture.ApiUrl };
        using var webhook = new HttpRequestMessage(HttpMethod.Post, "/api/billing/stripe/webhook") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        webhook.Headers.Add("Stripe-Signature", FakeStripe.Sign(body));
        (await http.SendAsync(webhook)).EnsureSuccessStatusCode();

        // The page refreshes itself until the tier has changed.
        await Expect(browser.Page.Locator("#upgrade-state")).ToHaveAttributeAsync("data-state", "completed", new() { Timeout = 60_000 });
        await Expect(browser.Page.Locator("#upgrade-state")).ToContainTextAsync("You're on pro");
    }

    [Fact]
    public async Task Over_its_daily_quota_an_admin_signs_in_sees_the_over_quota_banner_and_starts_an_upgrade()
    {
        var admin = await fixture.Api.CreateTenantAsync();
        await using (var redis = await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync((await Servers.SharedAsync()).RedisConnectionString))
        {
            var key = global::AgentIdP.Api.Tiers.DailyQuota.Key(global::AgentIdP.Api.Tiers.Tier.Free, admin.TenantId, DateOnly.FromDateTime(DateTime.UtcNow));
            await redis.GetDatabase().StringSetAsync(key, global::AgentIdP.Api.Tiers.TierConfig.Free.DailyQuota, TimeSpan.FromDays(2));
        }
        await using var browser = await fixture.NewSessionAsync();
        await browser.Page.RouteAsync("https://checkout.stripe.test/**", route => route.FulfillAsync(new() { Body = "<h1>Stripe Checkout (test)</h1>", ContentType = "text/html" }));

        await browser.SignInAsync(admin); // lands on the agents page, whose list the API now refuses

        var banner = browser.Page.Locator("#over-quota");
        await Expect(banner).ToBeVisibleAsync();
        await Expect(banner).ToContainTextAsync("used today's API quota");
        await banner.GetByRole(AriaRole.Link, new() { Name = "Upgrade" }).ClickAsync();
        await Expect(browser.Page.Locator("#quota")).ToContainTextAsync("of 10,000 calls used today");
        await browser.Page.GetByRole(AriaRole.Button, new() { Name = "Upgrade to pro" }).ClickAsync();
        await Expect(browser.Page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("^https://checkout\\.stripe\\.test/"));
        Assert.Equal(admin.TenantId.ToString(), fixture.Stripe.Requests.Last(r => r.Path == "/v1/checkout/sessions").Form["client_reference_id"]);
    }
}
