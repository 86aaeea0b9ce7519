using System.Text.Json;
using AgentIdP.Portal.Agents;
using AgentIdP.Portal.Api;
using AgentIdP.TestSupport;

namespace AgentIdP.Portal.Tests;

/// <summary>Arranges data through the real API with the shared <see cref="TestApi"/> steps, typed the way the portal reads it.</summary>
public sealed class ApiDriver(Uri apiUrl)
{
    // The API enforces the tier's per-second limit, as in the full system; arranging data waits it out like a polite client.
    private readonly HttpClient _http = new(new RetryAfterHandler(new SocketsHttpHandler())) { BaseAddress = apiUrl };

    public Task<string> TokenAsync(string clientId, string clientSecret) => _http.TokenAsync(clientId, clientSecret);

    /// <summary>A fresh tenant, created by the platform admin; a tenant per test keeps tests apart.</summary>
    public async Task<TenantAdmin> CreateTenantAsync()
    {
        var name = $"Acme {Guid.NewGuid().ToString("N")[..8]}";
        var tenant = await _http.CreateTenantAsync(name);
        return new TenantAdmin(tenant.TenantId, name, tenant.ClientId, tenant.ClientSecret);
    }

    public async Task<CreatedAgent> CreateAgentAsync(TenantAdmin admin, string name)
    {
        var created = await _http.CreateAgentAsync(await AdminTokenAsync(admin), new { name });
        return new CreatedAgent(created.Agent.Deserialize<Agent>(ApiJson.Options)!, created.ClientSecret);
    }

    public async Task DeleteAgentAsync(TenantAdmin admin, Guid id) =>
        await _http.SendJsonAsync(HttpMethod.Delete, ApiPaths.Agent(id), await AdminTokenAsync(admin));

    /// <summary>Rotates the tenant admin's own secret with no grace period: the old one stops working at once.</summary>
    public async Task RotateAdminSecretAsync(TenantAdmin admin) =>
        await _http.SendJsonAsync(HttpMethod.Post, "/api/tenant/credentials/rotate", await AdminTokenAsync(admin), new { gracePeriodSeconds = 0 });

    /// <summary>
    /// Rotates the tenant admin's own secret with <c>revokeTokens</c>, as for a leaked secret: the old secret and every
    /// token the admin holds end at once. Returns the new secret.
    /// </summary>
    public async Task<string> RotateAdminSecretAndRevokeTokensAsync(TenantAdmin admin)
    {
        var rotated = await _http.SendJsonAsync(HttpMethod.Post, "/api/tenant/credentials/rotate", await AdminTokenAsync(admin), new { revokeTokens = true });
        return rotated["clientSecret"]!.GetValue<string>();
    }

    /// <summary>Whether introspection, asked by the tenant's admin, says the token is active.</summary>
    public Task<bool> IsActiveAsync(TenantAdmin admin, string token) =>
        _http.IsActiveAsync(new TestApi.TenantCredentials(admin.TenantId, admin.ClientId, admin.ClientSecret), token);

    /// <summary>Revokes an access token (RFC 7009) as the platform operator, who may revoke any tenant's token.</summary>
    public async Task RevokeAsync(string accessToken)
    {
        using var form = new FormUrlEncodedContent(
        [
            new("client_id", ApiFactory.PlatformAdminClientId),
            new("client_secret", ApiFactory.PlatformAdminSecret),
            new("token", accessToken),
        ]);
        using var response = await _http.PostAsync("/oauth2/revoke", form);
        if (!response.IsSuccessStatusCode)
            throw new InvalidOperationException($"revoke failed: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
    }

    private Task<string> AdminTokenAsync(TenantAdmin admin) => _http.TokenAsync(admin.ClientId, admin.ClientSecret);
}

/// <summary>Sends a request again after a 429 whose <c>Retry-After</c> is a few seconds at most.</summary>
internal sealed class RetryAfterHandler(HttpMessageHandler inner) : DelegatingHandler(inner)
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
    {
        for (var attempt = 0; ; attempt++)
        {
            var response = await base.SendAsync(request, ct);
            if (response.StatusCode != System.Net.HttpStatusCode.TooManyRequests || attempt == 10
                || response.Headers.RetryAfter?.Delta is not { } wait || wait > TimeSpan.FromSeconds(5))
            {
                return response;
            }
            response.Dispose();
            await Task.Delay(wait, ct);
        }
    }
}
