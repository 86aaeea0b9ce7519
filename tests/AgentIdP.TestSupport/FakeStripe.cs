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

/// <summary>
/// Stripe's API, faked on loopback (the one fake in the tests: the real Stripe is outside). It answers the calls
/// AgentIdP makes — Checkout Sessions, subscription reads and updates — records every request, and signs webhook
/// events the way Stripe does.
/// </summary>
public sealed class FakeStripe : IAsyncDisposable
{
    public const string SecretKey = "sk_test_fake";
    public const string WebhookSecret = "whsec_test_fake";
    public const string ProPrice = "price_pro";
    public const string EnterprisePrice = "price_enterprise";

    private readonly WebApplication _app;
    private int _sessions;

    public ConcurrentQueue<(string Method, string Path, Dictionary<string, string> Form)> Requests { get; } = new();

    /// <summary>Subscriptions as "Stripe" holds them now: id → (status, price, customer).</summary>
    public ConcurrentDictionary<string, (string Status, string Price, string Customer)> Subscriptions { get; } = new();

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

    private async Task HandleAsync(HttpContext context)
    {
        var form = context.Request.HasFormContentType
            ? (await context.Request.ReadFormAsync()).ToDictionary(f => f.Key, f => f.Value.ToString())
            : [];
        var path = context.Request.Path.Value ?? "";
        Requests.Enqueue((context.Request.Method, path, form));
        context.Response.ContentType = "application/json";

        if (context.Request.Method == "POST" && path == "/v1/checkout/sessions")
        {
            var id = $"cs_test_{Interlocked.Increment(ref _sessions)}";
            await context.Response.WriteAsync(new JsonObject
            {
                ["id"] = id, ["object"] = "checkout.session", ["mode"] = "subscription", ["status"] = "open",
                ["url"] = $"https://checkout.stripe.test/c/pay/{id}", ["client_reference_id"] = form.GetValueOrDefault("client_reference_id"),
            }.ToJsonString());
            return;
        }
        if (path.StartsWith("/v1/subscriptions/", StringComparison.Ordinal))
        {
            var id = path["/v1/subscriptions/".Length..];
            if (!Subscriptions.TryGetValue(id, out var sub))
            {
                context.Response.StatusCode = 404;
                await context.Response.WriteAsync("""{"error":{"type":"invalid_request_error","message":"No such subscription"}}""");
                return;
            }
            if (context.Request.Method == "POST" && form.TryGetValue("items[0][price]", out var price)) Subscriptions[id] = sub = sub with { Price = price };
            await context.Response.WriteAsync(SubscriptionJson(id, sub).ToJsonString());
            return;
        }
        context.Response.StatusCode = 404;
        await context.Response.WriteAsync("""{"error":{"type":"invalid_request_error","message":"Unknown path"}}""");
    }

    public static JsonObject SubscriptionJson(string id, (string Status, string Price, string Customer) sub) => new()
    {
        ["id"] = id, ["object"] = "subscription", ["status"] = sub.Status, ["customer"] = sub.Customer,
        ["items"] = new JsonObject
        {
            ["object"] = "list",
            ["data"] = new JsonArray(new JsonObject
            {
                ["id"] = $"si_{id}", ["object"] = "subscription_item", ["price"] = new JsonObject { ["id"] = sub.Price, ["object"] = "price" },
            }),
        },
        ["metadata"] = new JsonObject(),
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
