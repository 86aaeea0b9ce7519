using System.Security.Claims;
using AgentIdP.Api.Auth;
using AgentIdP.Api.Platform;
using AgentIdP.Api.Tenants;
using AgentIdP.Api.Tiers;
using Microsoft.Extensions.Options;

namespace AgentIdP.Api.Billing;

public sealed record UpgradeRequest(string? Tier, string? SuccessUrl, string? CancelUrl);

public sealed record TierRow(string Tier, int RequestsPerSecond, int Burst, long DailyQuota, int MaxAgents, int AnalyticsHistoryDays, bool Current);

public sealed record BillingStatus(string Tier, DateTimeOffset TierChangedAt, bool BillingConfigured, bool HasSubscription,
    long? CallsToday, long DailyQuota, IReadOnlyList<TierRow> Tiers);

/// <summary>Usage and plan for tenant admins, self-service upgrade through Stripe, and Stripe's webhook.</summary>
public static class BillingEndpoints
{
    public const string WebhookPath = "/api/billing/stripe/webhook";

    public static WebApplicationBuilder AddBilling(this WebApplicationBuilder builder)
    {
        builder.AddValidatedOptions<BillingOptions, BillingOptions.Validator>(BillingOptions.Section);
        builder.Services.AddSingleton<BillingStore>();
        builder.Services.AddSingleton<StripeBilling>();
        builder.Services.AddSingleton<StripeUpgrades>();
        builder.Services.AddSingleton<IOperatorTierChange, StripeOperatorTierChange>();
        return builder;
    }

    public static WebApplication MapBilling(this WebApplication app)
    {
        // Over its daily quota a tenant can still see its plan and pay to raise it.
        var group = app.MapGroup("/api/billing").WithTags("Billing");
        group.MapGet("", Status).RequireAuthorization(ApiAuthentication.TenantAdmin).AllowOverDailyQuota()
            .WithSummary("The tenant's tier, today's usage and the tier table");
        group.MapPost("/upgrade", Upgrade).RequireAuthorization(ApiAuthentication.TenantAdmin).AllowOverDailyQuota()
            .WithSummary("Start an upgrade: a Stripe Checkout URL, or a price change on the existing subscription, invoiced and charged at once (402 when unpaid)");
        app.MapPost(WebhookPath, Webhook).WithTags("Billing").AllowAnonymous().DisableAntiforgery()
            .WithSummary("Stripe webhook (signature verified; idempotent by event id)");
        return app;
    }

    private static async Task<Results<Ok<BillingStatus>, ProblemHttpResult>> Status(
        ClaimsPrincipal user, BillingStore store, StripeBilling stripe, DailyQuota quota, CancellationToken ct)
    {
        if (await store.FindAsync(user.TenantId(), ct) is not { } account) return Problems.NotFound("tenant");
        var tier = account.CurrentTier;
        var limits = TierConfig.For(tier);
        return TypedResults.Ok(new BillingStatus(account.Tier, new DateTimeOffset(account.TierChangedAt, TimeSpan.Zero), stripe.Configured,
            account.StripeSubscriptionId is not null, await quota.PeekAsync(tier, account.TenantId), limits.DailyQuota,
            [.. TierConfig.All.Select(l => new TierRow(l.Tier.Name(), l.RequestsPerSecond, l.Burst, l.DailyQuota, l.MaxAgents, l.AnalyticsHistoryDays, l.Tier == tier))]));
    }

    private static async Task<Results<Ok<StripeUpgrades.UpgradeStarted>, ProblemHttpResult>> Upgrade(
        UpgradeRequest request, ClaimsPrincipal user, BillingStore store, StripeBilling stripe, StripeUpgrades upgrades,
        IOptions<IdentityOptions> identity, CancellationToken ct)
    {
        if (!TierConfig.TryParse(request.Tier, out var target)) return Problems.BadRequest("tier must be pro or enterprise.");
        if (await store.FindAsync(user.TenantId(), ct) is not { } account) return Problems.NotFound("tenant");
        var current = account.CurrentTier;
        if (target == current) return Problems.Conflict($"The tenant is already on the {current.Name()} tier.");
        if (target < current)
        {
            return TypedResults.Problem($"Moving from {current.Name()} down to {target.Name()} is done by support: contact support@sentryagent.ai and we will change it for you.",
                statusCode: StatusCodes.Status409Conflict, title: "Downgrades go through support");
        }
        var fallback = new Uri(identity.Value.IssuerWithoutSlash + "/");
        if (!TryReturnUrl(request.SuccessUrl, fallback, out var success) || !TryReturnUrl(request.CancelUrl, fallback, out var cancel))
        {
            return Problems.BadRequest("successUrl and cancelUrl must be absolute http(s) URLs.");
        }
        if (!stripe.Configured)
        {
            return TypedResults.Problem("Billing is not configured on this deployment (no Stripe secret key). Ask the operator to set Stripe:* or to change your tier.",
                statusCode: StatusCodes.Status503ServiceUnavailable, title: "Billing not configured");
        }
        try
        {
            return await upgrades.StartAsync(account, current, target, success, cancel, ct);
        }
        catch (Exception e) when (StripeFailures.Problem(e, "Your tier was not changed.") is { } problem)
        {
            return problem;
        }
    }

    private static bool TryReturnUrl(string? value, Uri fallback, out Uri url)
    {
        if (value is null)
        {
            url = fallback;
            return true;
        }
        return Uri.TryCreate(value, UriKind.Absolute, out url!) && (url.Scheme == Uri.UriSchemeHttps || url.Scheme == Uri.UriSchemeHttp);
    }

    private static async Task<IResult> Webhook(HttpRequest request, StripeBilling stripe, CancellationToken ct)
    {
        // Without billing there is no webhook to deliver to.
        if (!stripe.Configured) return Results.Problem("Billing is not configured on this deployment.", statusCode: StatusCodes.Status404NotFound, title: "Not found");
        using var reader = new StreamReader(request.Body);
        var json = await reader.ReadToEndAsync(ct);
        if (stripe.Verify(json, request.Headers["Stripe-Signature"].ToString()) is not { } stripeEvent)
        {
            return Results.Problem("The Stripe-Signature header does not verify against this endpoint's secret, or the event is too old.",
                statusCode: StatusCodes.Status400BadRequest, title: "Webhook signature rejected");
        }
        try
        {
            return Results.Ok(new { received = true, outcome = await stripe.ApplyAsync(stripeEvent, ct) });
        }
        catch (Exception e) when (StripeFailures.Is(e))
        {
            // Stripe redelivers on a non-2xx answer, so a failed re-read is retried later rather than lost.
            return Results.Problem($"Could not read the subscription from Stripe: {e.Message}", statusCode: StatusCodes.Status503ServiceUnavailable);
        }
    }
}
