using AgentIdP.Portal.Agents;
using AgentIdP.Portal.Api;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace AgentIdP.Portal.Pages.Agents;

/// <summary>One agent: its metadata, its DID document, and the actions on it.</summary>
public sealed class DetailModel(ApiClient api) : PortalPageModel
{
    public Agent? Agent { get; private set; }

    /// <summary>The API said 404: the agent does not exist or belongs to another tenant (the API does not say which).</summary>
    public bool AgentNotFound { get; private set; }

    public string? DidDocument { get; private set; }
    public ApiProblem? DidDocumentProblem { get; private set; }

    public async Task<IActionResult> OnGetAsync(Guid id, CancellationToken ct)
    {
        TakeOneTimeSecret();
        return await ShowAsync(id, problem: null, ct);
    }

    public Task<IActionResult> OnPostRotateAsync(Guid id, CancellationToken ct) => RotateAsync(id, revokeTokens: false, ct);

    /// <summary>Incident response for a leaked secret: the old secret and every token issued with it end at once.</summary>
    public Task<IActionResult> OnPostRotateAndRevokeAsync(Guid id, CancellationToken ct) => RotateAsync(id, revokeTokens: true, ct);

    private async Task<IActionResult> RotateAsync(Guid id, bool revokeTokens, CancellationToken ct)
    {
        var agent = await api.GetAgentAsync(id, ct);
        if (!agent.Succeeded) return await ShowAsync(id, agent.Problem, ct);
        var rotated = await api.RotateAgentSecretAsync(id, revokeTokens, ct);
        if (!rotated.Succeeded) return await ShowAsync(id, rotated.Problem, ct);

        var secret = rotated.Value;
        ShowSecretAfterRedirect(new OneTimeSecret(agent.Value.Name, secret.ClientId, secret.ClientSecret, secret.PreviousSecretExpiresAt, secret.TokensRevoked));
        Notice = secret.TokensRevoked ? "Secret rotated and every earlier token of the agent ended." : "Secret rotated.";
        return LocalRedirect(PortalRoutes.Agent(id));
    }

    public Task<IActionResult> OnPostDisableAsync(Guid id, CancellationToken ct) => SetEnabledAsync(id, false, ct);

    public Task<IActionResult> OnPostEnableAsync(Guid id, CancellationToken ct) => SetEnabledAsync(id, true, ct);

    public async Task<IActionResult> OnPostDeleteAsync(Guid id, CancellationToken ct)
    {
        var agent = await api.GetAgentAsync(id, ct);
        if (!agent.Succeeded) return await ShowAsync(id, agent.Problem, ct);
        var deleted = await api.DeleteAgentAsync(id, ct);
        if (!deleted.Succeeded) return await ShowAsync(id, deleted.Problem, ct);

        Notice = $"Agent “{agent.Value.Name}” deleted.";
        return LocalRedirect(PortalRoutes.Agents);
    }

    private async Task<IActionResult> SetEnabledAsync(Guid id, bool enabled, CancellationToken ct)
    {
        var result = await api.SetAgentEnabledAsync(id, enabled, ct);
        if (!result.Succeeded) return await ShowAsync(id, result.Problem, ct);
        Notice = enabled ? "Agent enabled." : "Agent disabled.";
        return LocalRedirect(PortalRoutes.Agent(id));
    }

    /// <summary>Renders the page, with a problem from the action that brought us here if there was one.</summary>
    private async Task<IActionResult> ShowAsync(Guid id, ApiProblem? problem, CancellationToken ct)
    {
        Problem = problem;
        var agent = problem is { IsNotFound: true } ? ApiResult<Agent>.Failed(problem) : await api.GetAgentAsync(id, ct);
        if (!agent.Succeeded)
        {
            AgentNotFound = agent.Problem.IsNotFound;
            Problem ??= agent.Problem;
            // A body is written, so the status code pages middleware leaves this designed page alone.
            return new PageResult { StatusCode = AgentNotFound ? StatusCodes.Status404NotFound : StatusCodes.Status502BadGateway };
        }
        Agent = agent.Value;

        var document = await api.GetDidDocumentAsync(Agent, ct);
        if (document.Succeeded) DidDocument = document.Value;
        else DidDocumentProblem = document.Problem;
        return Page();
    }
}
