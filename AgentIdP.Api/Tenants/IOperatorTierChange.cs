using AgentIdP.Api.Tiers;

namespace AgentIdP.Api.Tenants;

/// <summary>
/// Carries out the operator's <c>PUT /api/tenants/{id}/tier</c>. Billing provides it, so that a paid subscription follows
/// the tier (updated or canceled in Stripe) and the two cannot disagree; Tenants knows nothing of Stripe.
/// </summary>
public interface IOperatorTierChange
{
    Task<Results<Ok<Tenant>, ProblemHttpResult>> ChangeAsync(Guid tenantId, Tier tier, string actor, string? reason, CancellationToken ct);
}
