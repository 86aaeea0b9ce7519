using System.Text.Json;
using AgentIdP.Portal.Agents;
using AgentIdP.Portal.Api;

namespace AgentIdP.Portal;

public sealed partial class ApiClient
{
    public Task<ApiResult<AgentPage>> ListAgentsAsync(int page, int pageSize, CancellationToken ct) =>
        SendAsync<AgentPage>(HttpMethod.Get, ApiPaths.AgentsPage(page, pageSize), body: null, ct);

    public Task<ApiResult<Agent>> GetAgentAsync(Guid id, CancellationToken ct) =>
        SendAsync<Agent>(HttpMethod.Get, ApiPaths.Agent(id), body: null, ct);

    public Task<ApiResult<CreatedAgent>> CreateAgentAsync(NewAgent agent, CancellationToken ct) =>
        SendAsync<CreatedAgent>(HttpMethod.Post, ApiPaths.Agents, agent, ct);

    public Task<ApiResult<Agent>> SetAgentEnabledAsync(Guid id, bool enabled, CancellationToken ct) =>
        SendAsync<Agent>(HttpMethod.Post, enabled ? ApiPaths.EnableAgent(id) : ApiPaths.DisableAgent(id), body: null, ct);

    /// <summary>
    /// Rotates an agent's secret. With <paramref name="revokeTokens"/> the old secret stops at once and every token the
    /// agent holds ends (incident response); without it the old secret keeps the API's default grace period.
    /// </summary>
    public Task<ApiResult<RotatedSecret>> RotateAgentSecretAsync(Guid id, bool revokeTokens, CancellationToken ct) =>
        SendAsync<RotatedSecret>(HttpMethod.Post, ApiPaths.RotateAgentSecret(id), revokeTokens ? new RotateSecret(RevokeTokens: true) : new RotateSecret(), ct);

    public Task<ApiResult<NoBody>> DeleteAgentAsync(Guid id, CancellationToken ct) =>
        SendAsync<NoBody>(HttpMethod.Delete, ApiPaths.Agent(id), body: null, ct);

    /// <summary>
    /// The agent's public DID document, pretty-printed. It is fetched by path from the API the portal already
    /// reaches: the public host in <c>didDocumentUrl</c> may not resolve from inside the deployment.
    /// </summary>
    public async Task<ApiResult<string>> GetDidDocumentAsync(Agent agent, CancellationToken ct)
    {
        if (string.IsNullOrWhiteSpace(agent.DidDocumentUrl))
        {
            return ApiResult<string>.Failed(new ApiProblem(StatusCodes.Status404NotFound, "This agent has no DID document", null));
        }
        var path = Uri.TryCreate(agent.DidDocumentUrl, UriKind.Absolute, out var absolute) ? absolute.PathAndQuery : agent.DidDocumentUrl;
        try
        {
            using var response = await http.GetAsync(path, ct);
            if (!response.IsSuccessStatusCode) return ApiResult<string>.Failed(await ApiProblem.ReadAsync(response, ct));
            using var document = await JsonDocument.ParseAsync(await response.Content.ReadAsStreamAsync(ct), cancellationToken: ct);
            return ApiResult<string>.Ok(JsonSerializer.Serialize(document.RootElement, ApiJson.Indented));
        }
        catch (Exception e) when (TransportFailure.Is(e) && !ct.IsCancellationRequested)
        {
            return ApiResult<string>.Failed(e is JsonException ? ApiProblem.Unexpected($"The DID document is not JSON: {e.Message}") : ApiProblem.Unreachable(e));
        }
    }
}
