using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AgentIdP.TestSupport;

/// <summary>A subscription as the fake Stripe holds it. A tuple <c>(status, price, customer)</c> converts to one.</summary>
public sealed record FakeSubscription(string Status, string Price, string Customer)
{
    /// <summary>The price of a <c>pending_update</c>: applied only when <see cref="LatestInvoice"/> is paid.</summary>
    public string? PendingPrice { get; init; }

    public string? LatestInvoice { get; init; }

    public static implicit operator FakeSubscription((string Status, string Price, string Customer) s) => new(s.Status, s.Price, s.Customer);
}

/// <summary>An invoice: <c>open</c> (its payment failed), <c>paid</c> or <c>void</c>.</summary>
public sealed record FakeInvoice(string Id, string Subscription, string Status);

/// <summary>
/// Stripe's API, faked on loopback (the one fake in the tests: the real Stripe is outside). It answers the calls
/// AgentIdP makes — Checkout Sessions, subscription reads, updates (pending updates with
/// <c>payment_behavior=pending_if_incomplete</c> and <c>proration_behavior=always_invoice</c> included) and cancels,
/// invoice reads and voids — records every request, queues the webhook events Stripe would send in
/// <see cref="Outbox"/>, and signs them the way Stripe does.
/// </summary>
public sealed class FakeStripe : IAsyncDisposable
{
    public const string SecretKey = "sk_test_fake";
    public const string WebhookSecret = "whsec_test_fake";
    public const string ProPrice = "price_pro";
    public const string EnterprisePrice = "price_enterprise";
    private const string SubscriptionsPath = "/v1/subscriptions/";
    private const string InvoicesPath = "/v1/invoices/";

    private readonly WebApplication _app;
    private readonly Lock _gate = new();
    private int _sessions;
    private int _invoices;
    private int _events;

    public ConcurrentQueue<(string Method, string Path, Dictionary<string, string> Form)> Requests { get; } = new();

    /// <summary>Subscriptions as "Stripe" holds them now.</summary>
    public ConcurrentDictionary<string, FakeSubscription> Subscriptions { get; } = new();

    public ConcurrentDictionary<string, FakeInvoice> Invoices { get; } = new();

    /// <summary>Webhook event bodies Stripe would send after the calls made so far, oldest first; tests deliver them.</summary>
    public ConcurrentQueue<string> Outbox { get; } = new();

    /// <summary>The customer's card declines: invoices made by subscription updates stay open, unpaid.</summary>
    public bool CardDeclines { get; set; }

    /// <summary>Stripe cannot be reached: every connection is dropped before an answer.</summary>
    public bool Unreachable { get; set; }

    /// <summary>Stripe takes every call and never answers, until the caller gives up.</summary>
    public bool Hangs { get; set; }

    public string BaseUrl { get; }

    private FakeStripe(WebApplication app, string baseUrl)
    {
        _app = app;
        BaseUrl = baseUrl;
    }

    public static async Task<FakeStripe> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        FakeStripe? fake = null;
        app.Run(async context => await fake!.HandleAsync(context));
        await app.StartAsync();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        fake = new FakeStripe(app, address);
        return fake;
    }

    /// <summary>The settings that point an <see cref="ApiFactory"/> at this fake.</summary>
    public void Configure(ApiFactory api)
    {
        api.Settings["Stripe:SecretKey"] = SecretKey;
        api.Settings["Stripe:WebhookSecret"] = WebhookSecret;
        api.Settings["Stripe:ProPriceId"] = ProPrice;
        api.Settings["Stripe:EnterprisePriceId"] = EnterprisePrice;
        api.Settings["Stripe:ApiBase"] = BaseUrl;
    }

    /// <summary>
    /// The customer pays the subscription's open invoice later (a new card, 3-D Secure done): as Stripe does, the
    /// invoice is paid and the pending update applied.
    /// </summary>
    public void PayOpenInvoice(string subscriptionId)
    {
        lock (_gate)
        {
            var sub = Subscriptions[subscriptionId];
            var invoice = Invoices[sub.LatestInvoice!] with { Status = "paid" };
            Invoices[invoice.Id] = invoice;
            Subscriptions[subscriptionId] = sub = sub with { Price = sub.PendingPrice ?? sub.Price, PendingPrice = null };
            Emit("invoice.paid", InvoiceJson(invoice));
            Emit("customer.subscription.updated", SubscriptionJson(subscriptionId, sub));
            Emit("customer.subscription.pending_update_applied", SubscriptionJson(subscriptionId, sub));
        }
    }

    /// <summary>Stripe changed the subscription by itself (a renewal failed, a retry, the dashboard): set it and queue the event.</summary>
    public void Change(string subscriptionId, FakeSubscription now, string type = "customer.subscription.updated")
    {
        lock (_gate)
        {
            Subscriptions[subscriptionId] = now;
            Emit(type, SubscriptionJson(subscriptionId, now));
        }
    }

    private async Task HandleAsync(HttpContext context)
    {
        if (Unreachable)
        {
            context.Abort();
            return;
        }
        if (Hangs)
        {
            await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
            return;
        }
        var form = context.Request.Query.ToDictionary(q => q.Key, q => q.Value.ToString());
        if (context.Request.HasFormContentType)
        {
            foreach (var (key, value) in await context.Request.ReadFormAsync()) form[key] = value.ToString();
        }
        var method = context.Request.Method;
        var path = context.Request.Path.Value ?? "";
        Requests.Enqueue((method, path, form));
        context.Response.ContentType = "application/json";

        JsonObject? answer;
        lock (_gate)
        {
            answer = (method, path) switch
            {
                ("POST", "/v1/checkout/sessions") => CheckoutSession(form),
                (_, _) when path.StartsWith(SubscriptionsPath, StringComparison.Ordinal) => Subscription(method, path[SubscriptionsPath.Length..], form),
                ("POST", _) when path.StartsWith(InvoicesPath, StringComparison.Ordinal) && path.EndsWith("/void", StringComparison.Ordinal) =>
                    VoidInvoice(path[InvoicesPath.Length..^"/void".Length]),
                ("GET", _) when path.StartsWith(InvoicesPath, StringComparison.Ordinal) =>
                    Invoices.TryGetValue(path[InvoicesPath.Length..], out var invoice) ? InvoiceJson(invoice) : null,
                _ => null,
            };
        }
        if (answer is null)
        {
            context.Response.StatusCode = 404;
            await context.Response.WriteAsync("""{"error":{"type":"invalid_request_error","message":"No such object"}}""");
            return;
        }
        if (answer["error"] is not null) context.Response.StatusCode = 400;
        await context.Response.WriteAsync(answer.ToJsonString());
    }

    private JsonObject CheckoutSession(Dictionary<string, string> form)
    {
        var id = $"cs_test_{Interlocked.Increment(ref _sessions)}";
        return new JsonObject
        {
            ["id"] = id, ["object"] = "checkout.session", ["mode"] = "subscription", ["status"] = "open",
            ["url"] = $"https://checkout.stripe.test/c/pay/{id}", ["client_reference_id"] = form.GetValueOrDefault("client_reference_id"),
        };
    }

    private JsonObject? Subscription(string method, string id, Dictionary<string, string> form)
    {
        if (!Subscriptions.TryGetValue(id, out var sub)) return null;
        if (method == "DELETE")
        {
            if (sub.Status == "canceled") return InvalidRequest("The subscription is already canceled.");
            Subscriptions[id] = sub = sub with { Status = "canceled", PendingPrice = null };
            Emit("customer.subscription.deleted", SubscriptionJson(id, sub));
        }
        else if (method == "POST" && form.TryGetValue("items[0][price]", out var price))
        {
            if (sub.Status is "canceled" or "incomplete_expired") return InvalidRequest("A canceled subscription can only update its cancellation_details and metadata.");
            sub = form.GetValueOrDefault("payment_behavior") == "pending_if_incomplete" && form.GetValueOrDefault("proration_behavior") == "always_invoice"
                ? InvoicedNow(id, sub, price)
                : sub with { Price = price };
            Subscriptions[id] = sub;
            Emit("customer.subscription.updated", SubscriptionJson(id, sub));
        }
        var json = SubscriptionJson(id, sub);
        if (form.ContainsValue("latest_invoice") && sub.LatestInvoice is { } latest) json["latest_invoice"] = InvoiceJson(Invoices[latest]);
        return json;
    }

    /// <summary>Stripe's pending updates: the proration is invoiced and charged now; the price changes only if that is paid.</summary>
    private FakeSubscription InvoicedNow(string id, FakeSubscription sub, string price)
    {
        var invoice = new FakeInvoice($"in_test_{Interlocked.Increment(ref _invoices)}", id, CardDeclines ? "open" : "paid");
        Invoices[invoice.Id] = invoice;
        Emit(CardDeclines ? "invoice.payment_failed" : "invoice.paid", InvoiceJson(invoice));
        return CardDeclines
            ? sub with { PendingPrice = price, LatestInvoice = invoice.Id }
            : sub with { Price = price, PendingPrice = null, LatestInvoice = invoice.Id };
    }

    /// <summary>Voiding the invoice of a pending update discards the update.</summary>
    private JsonObject? VoidInvoice(string id)
    {
        if (!Invoices.TryGetValue(id, out var invoice)) return null;
        if (invoice.Status != "open") return InvalidRequest("You can only void an open invoice.");
        Invoices[id] = invoice = invoice with { Status = "void" };
        Emit("invoice.voided", InvoiceJson(invoice));
        if (Subscriptions.TryGetValue(invoice.Subscription, out var sub) && sub.LatestInvoice == id && sub.PendingPrice is not null)
        {
            Subscriptions[invoice.Subscription] = sub = sub with { PendingPrice = null };
            Emit("customer.subscription.updated", SubscriptionJson(invoice.Subscription, sub));
        }
        return InvoiceJson(invoice);
    }

    private static JsonObject InvalidRequest(string message) =>
        new() { ["error"] = new JsonObject { ["type"] = "invalid_request_error", ["message"] = message } };

    private void Emit(string type, JsonObject dataObject) => Outbox.Enqueue(Event($"evt_fake_{Interlocked.Increment(ref _events)}_{Guid.NewGuid():N}", type, dataObject));

    /// <summary>The subscription as Stripe holds it now, in the shape of its API and of its webhook events.</summary>
    public JsonObject SubscriptionJson(string id) => SubscriptionJson(id, Subscriptions[id]);

    public static JsonObject SubscriptionJson(string id, FakeSubscription sub) => new()
    {
        ["id"] = id, ["object"] = "subscription", ["status"] = sub.Status, ["customer"] = sub.Customer,
        ["items"] = new JsonObject { ["object"] = "list", ["data"] = new JsonArray(Item(id, sub.Price)) },
        ["latest_invoice"] = sub.LatestInvoice,
        ["pending_update"] = sub.PendingPrice is null ? null : new JsonObject
        {
            ["expires_at"] = DateTimeOffset.UtcNow.AddHours(23).ToUnixTimeSeconds(),
            ["subscription_items"] = new JsonArray(Item(id, sub.PendingPrice)),
        },
        ["metadata"] = new JsonObject(),
    };

    private static JsonObject Item(string subscriptionId, string price) => new()
    {
        ["id"] = $"si_{subscriptionId}", ["object"] = "subscription_item", ["price"] = new JsonObject { ["id"] = price, ["object"] = "price" },
    };

    public JsonObject InvoiceJson(FakeInvoice invoice) => new()
    {
        ["id"] = invoice.Id, ["object"] = "invoice", ["status"] = invoice.Status,
        ["customer"] = Subscriptions.TryGetValue(invoice.Subscription, out var sub) ? sub.Customer : null,
        ["hosted_invoice_url"] = $"https://invoice.stripe.test/i/{invoice.Id}",
        ["parent"] = new JsonObject
        {
            ["type"] = "subscription_details",
            ["subscription_details"] = new JsonObject { ["subscription"] = invoice.Subscription },
        },
    };

    /// <summary>A webhook event body in Stripe's shape.</summary>
    public static string Event(string id, string type, JsonObject dataObject, DateTimeOffset? created = null) => new JsonObject
    {
        ["id"] = id, ["object"] = "event", ["api_version"] = Stripe.StripeConfiguration.ApiVersion,
        ["created"] = (created ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds(), ["type"] = type, ["livemode"] = false,
        ["pending_webhooks"] = 1, ["data"] = new JsonObject { ["object"] = dataObject },
    }.ToJsonString();

    public static JsonObject CompletedSession(Guid tenantId, string subscriptionId, string customerId) => new()
    {
        ["id"] = $"cs_test_{Guid.NewGuid():N}", ["object"] = "checkout.session", ["mode"] = "subscription", ["status"] = "complete",
        ["client_reference_id"] = tenantId.ToString(), ["customer"] = customerId, ["subscription"] = subscriptionId,
    };

    /// <summary>The <c>Stripe-Signature</c> header: <c>t=…,v1=HMAC-SHA256(secret, t + "." + body)</c>.</summary>
    public static string Sign(string body, string secret = WebhookSecret, DateTimeOffset? at = null)
    {
        var t = (at ?? DateTimeOffset.UtcNow).ToUnixTimeSeconds();
        var mac = HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{t}.{body}"));
        return $"t={t},v1={Convert.ToHexStringLower(mac)}";
    }

    public ValueTask DisposeAsync() => _app.DisposeAsync();
}
