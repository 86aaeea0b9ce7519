using System.Net;
using System.Text;
using AgentIdP.TestSupport;

namespace AgentIdP.Api.Tests.Billing;

public sealed class BillingTests : IAsyncLifetime
{
    private FakeStripe _stripe = null!;
    private ApiFactory _api = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _stripe = await FakeStripe.StartAsync();
        _api = await ApiFactory.CreateAsync();
        _stripe.Configure(_api);
        _http = _api.CreateClient();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _api.DisposeAsync();
        await _stripe.DisposeAsync();
    }

    [Fact]
    public async Task Upgrade_creates_a_checkout_session_with_the_target_tiers_price_and_changes_nothing_yet()
    {
        var tenant = await _http.CreateTenantAsync();
        var admin = await _http.AdminTokenAsync(tenant);

        var started = await _http.SendJsonAsync(HttpMethod.Post, "/api/billing/upgrade", admin,
            new { tier = "pro", successUrl = "https://portal.example/billing/return", cancelUrl = "https://portal.example/usage" });

        Assert.Equal("checkout", started["status"]!.GetValue<string>());
        Assert.StartsWith("https://checkout.stripe.test/", started["checkoutUrl"]!.GetValue<string>());
        var call = Assert.Single(_stripe.Requests, r => r.Path == "/v1/checkout/sessions");
        Assert.Equal(FakeStripe.ProPrice, call.Form["line_items[0][price]"]);
        Assert.Equal("subscription", call.Form["mode"]);
        Assert.Equal(tenant.TenantId.ToString(), call.Form["client_reference_id"]);
        Assert.Equal("https://portal.example/billing/return", call.Form["success_url"]);
        Assert.Equal("free", await TierAsync(admin));
    }

    [Fact]
    public async Task The_tier_changes_only_on_a_verified_webhook_and_bad_signatures_are_rejected()
    {
        var tenant = await _http.CreateTenantAsync();
        var admin = await _http.AdminTokenAsync(tenant);
        _stripe.Subscriptions["sub_a"] = ("active", FakeStripe.ProPrice, "cus_a");
        var body = FakeStripe.Event("evt_a1", "checkout.session.completed", FakeStripe.CompletedSession(tenant.TenantId, "sub_a", "cus_a"));

        var unsigned = await PostWebhookAsync(body, signature: null);
        var wrongSecret = await PostWebhookAsync(body, FakeStripe.Sign(body, "whsec_wrong"));
        var stale = await PostWebhookAsync(body, FakeStripe.Sign(body, at: DateTimeOffset.UtcNow.AddMinutes(-10)));
        var tampered = await PostWebhookAsync(body.Replace("sub_a", "sub_b"), FakeStripe.Sign(body));
        var tierBefore = await TierAsync(admin);
        var verified = await PostWebhookAsync(body, FakeStripe.Sign(body));

        Assert.All([unsigned, wrongSecret, stale, tampered], s => Assert.Equal(HttpStatusCode.BadRequest, s));
        Assert.Equal("free", tierBefore);
        Assert.Equal(HttpStatusCode.OK, verified);
        Assert.Equal("pro", await TierAsync(admin));
    }

    [Fact]
    public async Task A_replayed_webhook_is_applied_once()
    {
        var tenant = await _http.CreateTenantAsync();
        var admin = await _http.AdminTokenAsync(tenant);
        _stripe.Subscriptions["sub_r"] = ("active", FakeStripe.EnterprisePrice, "cus_r");
        var body = FakeStripe.Event("evt_r1", "checkout.session.completed", FakeStripe.CompletedSession(tenant.TenantId, "sub_r", "cus_r"));

        var first = await PostWebhookAsync(body, FakeStripe.Sign(body));
        var again = await PostWebhookAsync(body, FakeStripe.Sign(body));

        Assert.Equal(HttpStatusCode.OK, first);
        Assert.Equal(HttpStatusCode.OK, again);
        var audit = await _http.SendJsonAsync(HttpMethod.Get, "/api/audit?pageSize=100", admin);
        var actions = audit["items"]!.AsArray().Select(e => e!["action"]!.GetValue<string>()).ToList();
        Assert.Equal(1, actions.Count(a => a == "tenant.tier_changed"));
        Assert.Equal(1, actions.Count(a => a == "billing.stripe_event"));
        Assert.Equal("enterprise", await TierAsync(admin));
    }

    [Fact]
    public async Task Out_of_order_subscription_events_end_at_the_tier_stripe_holds_now()
    {
        var tenant = await _http.CreateTenantAsync();
        var admin = await _http.AdminTokenAsync(tenant);
        _stripe.Subscriptions["sub_o"] = ("active", FakeStripe.ProPrice, "cus_o");
        var completed = FakeStripe.Event("evt_o1", "checkout.session.completed", FakeStripe.CompletedSession(tenant.TenantId, "sub_o", "cus_o"));
        Assert.Equal(HttpStatusCode.OK, await PostWebhookAsync(completed, FakeStripe.Sign(completed)));

        // Stripe moved the subscription to enterprise; the "pro" update event is older but arrives last.
        _stripe.Subscriptions["sub_o"] = ("active", FakeStripe.EnterprisePrice, "cus_o");
        var newer = FakeStripe.Event("evt_o3", "customer.subscription.updated", FakeStripe.SubscriptionJson("sub_o", ("active", FakeStripe.EnterprisePrice, "cus_o")));
        var older = FakeStripe.Event("evt_o2", "customer.subscription.updated", FakeStripe.SubscriptionJson("sub_o", ("active", FakeStripe.ProPrice, "cus_o")),
            DateTimeOffset.UtcNow.AddMinutes(-1));
        Assert.Equal(HttpStatusCode.OK, await PostWebhookAsync(newer, FakeStripe.Sign(newer)));
        Assert.Equal(HttpStatusCode.OK, await PostWebhookAsync(older, FakeStripe.Sign(older)));
        var afterUpdates = await TierAsync(admin);

        _stripe.Subscriptions["sub_o"] = ("canceled", FakeStripe.EnterprisePrice, "cus_o");
        var deleted = FakeStripe.Event("evt_o4", "customer.subscription.deleted", FakeStripe.SubscriptionJson("sub_o", ("canceled", FakeStripe.EnterprisePrice, "cus_o")));
        Assert.Equal(HttpStatusCode.OK, await PostWebhookAsync(deleted, FakeStripe.Sign(deleted)));

        Assert.Equal("enterprise", afterUpdates);
        Assert.Equal("free", await TierAsync(admin));
    }

    [Theory]
    [InlineData("enterprise", "free", "Downgrades go through support")]
    [InlineData("pro", "pro", "already on the pro tier")]
    public async Task Downgrades_and_same_tier_upgrades_are_refused_with_409(string current, string target, string expected)
    {
        var created = await _http.SendJsonAsync(HttpMethod.Post, "/api/tenants", await _http.PlatformTokenAsync(), new { name = "T", tier = current });
        var admin = await _http.TokenAsync(created["adminClientId"]!.GetValue<string>(), created["adminClientSecret"]!.GetValue<string>());

        using var response = await _http.SendAsync(TestApi.Authorized(HttpMethod.Post, "/api/billing/upgrade", admin, new { tier = target }));
        var problem = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains(expected, problem);
        Assert.Empty(_stripe.Requests);
    }

    [Fact]
    public async Task Without_stripe_settings_upgrade_answers_503_billing_not_configured()
    {
        await using var api = await ApiFactory.CreateAsync();
        using var http = api.CreateClient();
        var admin = await http.AdminTokenAsync(await http.CreateTenantAsync());

        using var response = await http.SendAsync(TestApi.Authorized(HttpMethod.Post, "/api/billing/upgrade", admin, new { tier = "pro" }));
        var status = await http.SendJsonAsync(HttpMethod.Get, "/api/billing", admin);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, response.StatusCode);
        Assert.Contains("Billing is not configured", await response.Content.ReadAsStringAsync());
        Assert.False(status["billingConfigured"]!.GetValue<bool>());
        Assert.Equal(3, status["tiers"]!.AsArray().Count);
    }

    private async Task<HttpStatusCode> PostWebhookAsync(string body, string? signature)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/billing/stripe/webhook") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (signature is not null) request.Headers.Add("Stripe-Signature", signature);
        using var response = await _http.SendAsync(request);
        return response.StatusCode;
    }

    private async Task<string> TierAsync(string admin) =>
        (await _http.SendJsonAsync(HttpMethod.Get, "/api/tenant", admin))["tier"]!.GetValue<string>();
}
