using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using AgentIdP.TestSupport;

namespace AgentIdP.Api.Tests.Billing;

/// <summary>An API pointed at a fresh fake Stripe, and what billing tests do with them: subscribe, deliver webhooks, read the tier.</summary>
public abstract class BillingApi : IAsyncLifetime
{
    protected FakeStripe Stripe { get; private set; } = null!;
    protected ApiFactory Api { get; private set; } = null!;
    protected HttpClient Http { get; private set; } = null!;

    public sealed record Subscribed(TestApi.TenantCredentials Tenant, string Admin, string SubscriptionId, string CustomerId);

    public async Task InitializeAsync()
    {
        Stripe = await FakeStripe.StartAsync();
        Api = await ApiFactory.CreateAsync();
        Stripe.Configure(Api);
        // A call the fake leaves unanswered is given up after a second (three tries).
        Api.Settings["Stripe:TimeoutSeconds"] = "1";
        Http = Api.CreateClient();
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Api.DisposeAsync();
        await Stripe.DisposeAsync();
    }

    /// <summary>A tenant that went through Checkout: its subscription is active at <paramref name="price"/> and linked.</summary>
    protected async Task<Subscribed> SubscribedAsync(string price, string status = "active")
    {
        var tenant = await Http.CreateTenantAsync();
        var admin = await Http.AdminTokenAsync(tenant);
        var (subscription, customer) = ($"sub_{Guid.NewGuid():N}", $"cus_{Guid.NewGuid():N}");
        Stripe.Subscriptions[subscription] = (status, price, customer);
        var body = FakeStripe.Event($"evt_{Guid.NewGuid():N}", "checkout.session.completed", FakeStripe.CompletedSession(tenant.TenantId, subscription, customer));
        Assert.Equal(HttpStatusCode.OK, (await PostWebhookAsync(body)).Status);
        return new Subscribed(tenant, admin, subscription, customer);
    }

    /// <summary>Delivers, signed, every event Stripe has queued since the last delivery; answers their outcomes in order.</summary>
    protected async Task<List<string>> DeliverStripeEventsAsync()
    {
        var outcomes = new List<string>();
        while (Stripe.Outbox.TryDequeue(out var body))
        {
            var (status, outcome) = await PostWebhookAsync(body);
            Assert.Equal(HttpStatusCode.OK, status);
            outcomes.Add(outcome!);
        }
        return outcomes;
    }

    protected async Task<(HttpStatusCode Status, string? Outcome)> PostWebhookAsync(string body, string? signature = "")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/billing/stripe/webhook") { Content = new StringContent(body, Encoding.UTF8, "application/json") };
        if (signature is not null) request.Headers.Add("Stripe-Signature", signature.Length == 0 ? FakeStripe.Sign(body) : signature);
        using var response = await Http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, response.IsSuccessStatusCode ? JsonNode.Parse(text)!["outcome"]!.GetValue<string>() : null);
    }

    protected async Task<string> TierAsync(string admin) =>
        (await Http.SendJsonAsync(HttpMethod.Get, "/api/tenant", admin))["tier"]!.GetValue<string>();

    protected async Task<List<string>> AuditActionsAsync(string admin) =>
        [.. (await Http.SendJsonAsync(HttpMethod.Get, "/api/audit?pageSize=100", admin))["items"]!.AsArray().Select(e => e!["action"]!.GetValue<string>())];

    /// <summary>Sends a request and answers the status and the JSON body (a result or a ProblemDetails).</summary>
    protected async Task<(HttpStatusCode Status, JsonObject Body)> SendAsync(HttpMethod method, string path, string token, object? body = null)
    {
        using var response = await Http.SendAsync(TestApi.Authorized(method, path, token, body));
        var text = await response.Content.ReadAsStringAsync();
        return (response.StatusCode, text.Length == 0 ? [] : JsonNode.Parse(text)!.AsObject());
    }
}
