using System.ComponentModel.DataAnnotations;
using AgentIdP.Portal.Agents;
using Microsoft.AspNetCore.Mvc;

namespace AgentIdP.Portal.Pages.Agents;

/// <summary>The tenant's agents, a page at a time, with create and the per-row actions.</summary>
public sealed class IndexModel(ApiClient api) : PortalPageModel
{
    public const int DefaultPageSize = 20;
    public const int MaxPageSize = 100;
    public const string DefaultScopes = "a2a:invoke";

    [BindProperty]
    public NewAgentForm Create { get; set; } = new();

    public AgentPage? Agents { get; private set; }

    /// <summary>This view's own address, so row actions come back to the same page of the list.</summary>
    public string ListUrl => PortalRoutes.AgentsPage(Agents?.Page ?? 1, Agents?.PageSize ?? DefaultPageSize);

    // "page" is a route value Razor Pages reserves, so the list's page number is read from the query string only.
    public async Task OnGetAsync([FromQuery(Name = "page")] int pageNumber = 1, [FromQuery] int pageSize = DefaultPageSize, CancellationToken ct = default)
    {
        TakeOneTimeSecret();
        await LoadAsync(pageNumber, pageSize, ct);
    }

    public async Task<IActionResult> OnPostCreateAsync(CancellationToken ct)
    {
        if (!ModelState.IsValid)
        {
            await LoadAsync(1, DefaultPageSize, ct);
            return Page();
        }
        var created = await api.CreateAgentAsync(Create.ToRequest(), ct);
        if (!created.Succeeded)
        {
            Problem = created.Problem;
            await LoadAsync(1, DefaultPageSize, ct);
            return Page();
        }
        var agent = created.Value.Agent;
        ShowSecretAfterRedirect(new OneTimeSecret(agent.Name, agent.ClientId, created.Value.ClientSecret, PreviousSecretExpiresAt: null));
        Notice = $"Agent “{agent.Name}” created.";
        return LocalRedirect(PortalRoutes.Agents);
    }

    public Task<IActionResult> OnPostDisableAsync(Guid id, string? returnUrl, CancellationToken ct) => SetEnabledAsync(id, false, returnUrl, ct);

    public Task<IActionResult> OnPostEnableAsync(Guid id, string? returnUrl, CancellationToken ct) => SetEnabledAsync(id, true, returnUrl, ct);

    public async Task<IActionResult> OnPostRotateAsync(Guid id, string? returnUrl, CancellationToken ct)
    {
        // The rotate answer names no agent; the box that shows the secret should.
        var agent = await api.GetAgentAsync(id, ct);
        if (!agent.Succeeded) return await FailedAsync(agent.Problem, ct);
        var rotated = await api.RotateAgentSecretAsync(id, revokeTokens: false, ct);
        if (!rotated.Succeeded) return await FailedAsync(rotated.Problem, ct);

        ShowSecretAfterRedirect(new OneTimeSecret(agent.Value.Name, rotated.Value.ClientId, rotated.Value.ClientSecret, rotated.Value.PreviousSecretExpiresAt));
        Notice = $"Secret of “{agent.Value.Name}” rotated.";
        return RedirectBack(returnUrl, PortalRoutes.Agents);
    }

    private async Task<IActionResult> SetEnabledAsync(Guid id, bool enabled, string? returnUrl, CancellationToken ct)
    {
        var result = await api.SetAgentEnabledAsync(id, enabled, ct);
        if (!result.Succeeded) return await FailedAsync(result.Problem, ct);
        Notice = $"Agent “{result.Value.Name}” {(enabled ? "enabled" : "disabled")}.";
        return RedirectBack(returnUrl, PortalRoutes.Agents);
    }

    private async Task<IActionResult> FailedAsync(Api.ApiProblem problem, CancellationToken ct)
    {
        Problem = problem;
        await LoadAsync(1, DefaultPageSize, ct);
        return Page();
    }

    private async Task LoadAsync(int page, int pageSize, CancellationToken ct)
    {
        var result = await api.ListAgentsAsync(Math.Max(1, page), Math.Clamp(pageSize, 1, MaxPageSize), ct);
        if (result.Succeeded) Agents = result.Value;
        else Problem ??= result.Problem;
    }

    public sealed class NewAgentForm
    {
        [Required(ErrorMessage = "Give the agent a name.")]
        [StringLength(200, ErrorMessage = "Keep the name under 200 characters.")]
        public string Name { get; set; } = "";

        [StringLength(2000)]
        public string? Description { get; set; }

        [Display(Name = "Scopes")]
        public string? Scopes { get; set; } = DefaultScopes;

        public NewAgent ToRequest()
        {
            string[] scopes = [.. (Scopes ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Distinct()];
            // No scopes typed: leave the choice to the API's default rather than create an agent that can do nothing.
            return new(Name.Trim(), string.IsNullOrWhiteSpace(Description) ? null : Description.Trim(), scopes.Length == 0 ? null : scopes);
        }
    }
}
