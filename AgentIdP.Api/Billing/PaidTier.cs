using AgentIdP.Api.Tiers;

namespace AgentIdP.Api.Billing;

/// <summary>
/// What a subscription, as Stripe holds it now, has paid for. Only its current price counts: a <c>pending_update</c>
/// (an upgrade whose invoice is not paid yet) is not the subscription's price until Stripe applies it.
/// </summary>
public static class PaidTier
{
    /// <summary>Stripe's statuses after which the subscription will never bill again.</summary>
    public static bool IsOver(string status) => status is "canceled" or "incomplete_expired";

    /// <summary>
    /// Whether a subscription in this status, once on <paramref name="tier"/>'s price, grants that tier to a tenant on
    /// <paramref name="current"/>: if not, a paid tier set on it would be taken back by its next event.
    /// </summary>
    public static bool Grants(string status, Tier tier, Tier current) => Of(status, tier, current) == tier;

    /// <param name="status">The subscription's status.</param>
    /// <param name="priceTier">The tier of its current price; null for a price that is no tier's.</param>
    /// <param name="current">The tenant's tier now.</param>
    public static Tier Of(string status, Tier? priceTier, Tier current) => status switch
    {
        "active" or "trialing" => priceTier ?? Tier.Free,
        // Stripe is retrying a renewal: the tenant keeps what it had, and nothing more, until the retries end.
        "past_due" => (Tier)Math.Min((int)(priceTier ?? Tier.Free), (int)current),
        // unpaid, canceled, incomplete, incomplete_expired, paused: nothing is paid for.
        _ => Tier.Free,
    };
}
