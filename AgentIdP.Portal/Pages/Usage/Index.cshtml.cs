using AgentIdP.Portal.Usage;
using Microsoft.AspNetCore.Mvc;

namespace AgentIdP.Portal.Pages.Usage;

/// <summary>Usage and plan: today's calls against the daily quota, the tier table, and the way up.</summary>
public sealed class IndexModel(ApiClient api) : PortalPageModel
{
    public BillingStatus? Status { get; private set; }

    public async Task OnGetAsync(CancellationToken ct) => await LoadAsync(ct);

    public async Task<IActionResult> OnPostUpgradeAsync(string tier, CancellationToken ct)
    {
        var here = $"{Request.Scheme}://{Request.Host}";
        var started = await api.StartUpgradeAsync(new UpgradeRequest(tier,
            $"{here}{PortalRoutes.UpgradeReturn}?tier={Uri.EscapeDataString(tier)}", $"{here}{PortalRoutes.Usage}"), ct);
        if (!started.Succeeded)
        {
            Problem = started.Problem;
            await LoadAsync(ct);
            return Page();
        }
        // Stripe Checkout is the one place the portal sends an admin outside itself; its URL comes from the API.
        if (started.Value.CheckoutUrl is { } checkout) return Redirect(checkout);
        return LocalRedirect($"{PortalRoutes.UpgradeReturn}?tier={Uri.EscapeDataString(tier)}");
    }

    private async Task LoadAsync(CancellationToken ct)
    {
        var status = await api.GetBillingAsync(ct);
        if (status.Succeeded)
        {
            Status = status.Value;
            if (Status.CallsToday >= Status.DailyQuota) OverQuota.Mark(HttpContext);
        }
        else Problem ??= status.Problem;
    }
}
