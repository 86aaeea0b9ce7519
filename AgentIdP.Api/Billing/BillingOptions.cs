using AgentIdP.Api.Platform;
using AgentIdP.Api.Tiers;
using Microsoft.Extensions.Options;

namespace AgentIdP.Api.Billing;

/// <summary>Stripe settings (<c>Stripe:*</c>). Billing is optional: with no secret key, upgrades answer 503.</summary>
public sealed class BillingOptions
{
    public const string Section = "Stripe";

    public string SecretKey { get; set; } = "";
    public string WebhookSecret { get; set; } = "";
    public string ProPriceId { get; set; } = "";
    public string EnterprisePriceId { get; set; } = "";

    /// <summary>How long one call to Stripe may take (Stripe.net retries twice more): an operator's tier change waits on it.</summary>
    public int TimeoutSeconds { get; set; } = 10;

    /// <summary>Where Stripe's API is; only tests point it elsewhere (a fake on loopback).</summary>
    public string? ApiBase { get; set; }

    public bool Configured => SecretKey.Length > 0;

    public string? PriceFor(Tier tier) => tier switch { Tier.Pro => ProPriceId, Tier.Enterprise => EnterprisePriceId, _ => null };

    public Tier? TierFor(string? priceId) =>
        priceId is null or "" ? null : priceId == ProPriceId ? Tier.Pro : priceId == EnterprisePriceId ? Tier.Enterprise : null;

    public sealed class Validator : IValidateOptions<BillingOptions>
    {
        public ValidateOptionsResult Validate(string? name, BillingOptions o) => !o.Configured ? ValidateOptionsResult.Success
            : new ValidatedOptions.Failures()
                .Check(o.WebhookSecret.Length > 0, $"{Section}:{nameof(WebhookSecret)}", "is required when Stripe:SecretKey is set (webhooks must be verified).")
                .Check(o.ProPriceId.Length > 0, $"{Section}:{nameof(ProPriceId)}", "is required when Stripe:SecretKey is set.")
                .Check(o.EnterprisePriceId.Length > 0, $"{Section}:{nameof(EnterprisePriceId)}", "is required when Stripe:SecretKey is set.")
                .Check(o.ProPriceId != o.EnterprisePriceId, $"{Section}:{nameof(EnterprisePriceId)}", "must differ from Stripe:ProPriceId.")
                .Check(o.TimeoutSeconds is >= 1 and <= 80, $"{Section}:{nameof(TimeoutSeconds)}", "must be between 1 and 80 seconds.")
                .Check(o.ApiBase is null or "" || Uri.TryCreate(o.ApiBase, UriKind.Absolute, out _), $"{Section}:{nameof(ApiBase)}", "must be an absolute URL.")
                .Result();
    }
}
