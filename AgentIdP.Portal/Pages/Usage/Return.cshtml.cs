using AgentIdP.Portal.Usage;

namespace AgentIdP.Portal.Pages.Usage;

/// <summary>Where Stripe Checkout sends the admin back: the upgrade is pending until Stripe's webhook confirms it.</summary>
public sealed class ReturnModel(ApiClient api) : PortalPageModel
{
    public string? Target { get; private set; }
    public BillingStatus? Status { get; private set; }
    public bool Completed => Status is not null && Target is not null && Status.Rank(Status.Tier) >= Status.Rank(Target);

    public async Task OnGetAsync(string? tier, CancellationToken ct)
    {
        Target = tier;
        var status = await api.GetBillingAsync(ct);
        if (status.Succeeded) Status = status.Value;
        else Problem = status.Problem;
        // Until Stripe confirms, the browser asks again on its own (the Refresh header: no script needed).
        if (!Completed) Response.Headers["Refresh"] = "3";
    }
}
