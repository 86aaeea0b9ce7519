using AgentIdP.Api.Billing;
using AgentIdP.Api.Tiers;

namespace AgentIdP.Api.Tests.Billing;

public sealed class PaidTierTests
{
    [Theory]
    [InlineData("active", Tier.Enterprise, Tier.Free, Tier.Enterprise)]
    [InlineData("trialing", Tier.Pro, Tier.Enterprise, Tier.Pro)]
    [InlineData("past_due", Tier.Enterprise, Tier.Pro, Tier.Pro)]
    [InlineData("past_due", Tier.Pro, Tier.Pro, Tier.Pro)]
    [InlineData("past_due", Tier.Pro, Tier.Enterprise, Tier.Pro)]
    [InlineData("past_due", Tier.Pro, Tier.Free, Tier.Free)]
    [InlineData("unpaid", Tier.Pro, Tier.Pro, Tier.Free)]
    [InlineData("incomplete", Tier.Pro, Tier.Free, Tier.Free)]
    [InlineData("incomplete_expired", Tier.Pro, Tier.Pro, Tier.Free)]
    [InlineData("paused", Tier.Pro, Tier.Pro, Tier.Free)]
    [InlineData("canceled", Tier.Enterprise, Tier.Enterprise, Tier.Free)]
    public void A_subscription_grants_what_it_paid_for_and_past_due_never_more_than_the_tenant_had(string status, Tier price, Tier current, Tier expected) =>
        Assert.Equal(expected, PaidTier.Of(status, price, current));

    [Theory]
    [InlineData("active", Tier.Enterprise, Tier.Pro, true)]
    [InlineData("trialing", Tier.Enterprise, Tier.Pro, true)]
    [InlineData("past_due", Tier.Enterprise, Tier.Pro, false)]
    [InlineData("past_due", Tier.Pro, Tier.Pro, true)]
    [InlineData("unpaid", Tier.Pro, Tier.Pro, false)]
    [InlineData("paused", Tier.Pro, Tier.Pro, false)]
    public void Only_a_subscription_that_would_grant_a_paid_tier_can_be_moved_to_it(string status, Tier tier, Tier current, bool grants) =>
        Assert.Equal(grants, PaidTier.Grants(status, tier, current));

    [Fact]
    public void A_price_that_is_no_tiers_grants_free() =>
        Assert.Equal(Tier.Free, PaidTier.Of("active", null, Tier.Pro));
}
