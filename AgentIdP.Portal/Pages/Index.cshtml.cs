using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AgentIdP.Portal.Pages;

public sealed class IndexModel(ApiClient api) : PageModel
{
    public ApiHealth Health { get; private set; } = new("Unknown", []);

    public async Task OnGetAsync(CancellationToken ct) => Health = await api.GetHealthAsync(ct);
}
