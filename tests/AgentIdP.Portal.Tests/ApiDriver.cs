using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using AgentIdP.Portal.Agents;
using AgentIdP.Portal.Api;
using AgentIdP.TestSupport;

namespace AgentIdP.Portal.Tests;

/// <summary>Arranges data through the real API, the way its clients do: tokens from its own token endpoint.</summary>
public sealed class ApiDriver(Uri apiUrl)
{
    public HttpClient Client(string? accessToken = null)
    {
        var client = new HttpClient { BaseAddress = apiUrl };
        if (accessToken is not null) client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", accessToken);
        return client;
    }

    public async Task<string> TokenAsync(string clientId, string clientSecret)
    {
        using var client = Client();
        using var response = await client.PostAsync(ApiPaths.Token, new FormUrlEncodedContent(
            [new("grant_type", "client_credentials"), new("client_id", clientId), new("client_secret", clientSecret)]));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"token for {clientId}: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("access_token").GetString()!;
    }

    /// <summary>A fresh tenant, created by the platform admin; a tenant per test keeps tests apart.</summary>
    public async Task<TenantAdmin> CreateTenantAsync(string? name = null)
    {
        name ??= $"Acme {Guid.NewGuid().ToString("N")[..8]}";
        using var client = Client(await TokenAsync(ApiFactory.PlatformAdminClientId, ApiFactory.PlatformAdminSecret));
        using var response = await client.PostAsJsonAsync("/api/tenants", new { name });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"create tenant: {(int)response.StatusCode} {body}");
        var root = JsonDocument.Parse(body).RootElement;
        return new TenantAdmin(root.GetProperty("tenant").GetProperty("id").GetGuid(), root.GetProperty("tenant").GetProperty("name").GetString()!,
            root.GetProperty("adminClientId").GetString()!, root.GetProperty("adminClientSecret").GetString()!);
    }

    public async Task<CreatedAgent> CreateAgentAsync(TenantAdmin admin, string name)
    {
        using var client = Client(await TokenAsync(admin.ClientId, admin.ClientSecret));
        using var response = await client.PostAsJsonAsync(ApiPaths.Agents, new NewAgent(name, null, null), ApiJson.Options);
        Assert.True(response.IsSuccessStatusCode, $"create agent: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync()}");
        return (await response.Content.ReadFromJsonAsync<CreatedAgent>(ApiJson.Options))!;
    }

    public async Task DeleteAgentAsync(TenantAdmin admin, Guid id)
    {
        using var client = Client(await TokenAsync(admin.ClientId, admin.ClientSecret));
        using var response = await client.DeleteAsync(ApiPaths.Agent(id));
        response.EnsureSuccessStatusCode();
    }

    /// <summary>Rotates the tenant admin's own secret with no grace period: the old one stops working at once.</summary>
    public async Task<string> RotateAdminSecretAsync(TenantAdmin admin)
    {
        using var client = Client(await TokenAsync(admin.ClientId, admin.ClientSecret));
        using var response = await client.PostAsJsonAsync("/api/tenant/credentials/rotate", new { gracePeriodSeconds = 0 });
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, $"rotate admin secret: {(int)response.StatusCode} {body}");
        return JsonDocument.Parse(body).RootElement.GetProperty("clientSecret").GetString()!;
    }
}
