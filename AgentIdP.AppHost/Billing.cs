namespace AgentIdP.AppHost;

/// <summary>
/// Stripe settings, passed to the API only when the operator provides them (user secrets or environment:
/// <c>Parameters:stripe-secret-key</c>, <c>stripe-webhook-secret</c>, <c>stripe-pro-price-id</c>,
/// <c>stripe-enterprise-price-id</c>). Without them billing stays off and upgrades answer 503.
/// </summary>
internal static class Billing
{
    private static readonly (string Parameter, string Setting, bool Secret)[] Settings =
    [
        ("stripe-secret-key", "Stripe__SecretKey", true),
        ("stripe-webhook-secret", "Stripe__WebhookSecret", true),
        ("stripe-pro-price-id", "Stripe__ProPriceId", false),
        ("stripe-enterprise-price-id", "Stripe__EnterprisePriceId", false),
    ];

    public static void AddIfConfigured(IDistributedApplicationBuilder builder, IResourceBuilder<ProjectResource> api)
    {
        if (string.IsNullOrEmpty(builder.Configuration["Parameters:stripe-secret-key"]))
        {
            Console.WriteLine("AgentIdP: billing is off (no Parameters:stripe-secret-key); upgrades answer 503 until it is set.");
            return;
        }
        foreach (var (parameter, setting, secret) in Settings)
        {
            api.WithEnvironment(setting, builder.AddParameter(parameter, secret: secret));
        }
    }
}
