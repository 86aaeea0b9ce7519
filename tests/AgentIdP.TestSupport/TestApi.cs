using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentIdP.TestSupport;

/// <summary>What tests do over and over against a running API: get tokens, create tenants and agents.</summary>
public static class TestApi
{
    public sealed record TenantCredentials(Guid TenantId, string ClientId, string ClientSecret);

    public sealed record AgentCredentials(Guid AgentId, string ClientId, string ClientSecret, JsonObject Agent);

    public static async Task<HttpResponseMessage> RequestTokenAsync(this HttpClient http, string clientId, string secret, string? scope = null)
    {
        var form = new Dictionary<string, string> { ["grant_type"] = "client_credentials" };
        if (scope is not null) form["scope"] = scope;
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth2/token") { Content = new FormUrlEncodedContent(form) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(System.Text.Encoding.UTF8.GetBytes($"{Uri.EscapeDataString(clientId)}:{Uri.EscapeDataString(secret)}")));
        return await http.SendAsync(request);
    }

    public static async Task<string> TokenAsync(this HttpClient http, string clientId, string secret, string? scope = null)
    {
        using var response = await http.RequestTokenAsync(clientId, secret, scope);
        var body = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"token request failed: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!["access_token"]!.GetValue<string>();
    }

    public static Task<string> PlatformTokenAsync(this HttpClient http) =>
        http.TokenAsync(ApiFactory.PlatformAdminClientId, ApiFactory.PlatformAdminSecret);

    public static async Task<TenantCredentials> CreateTenantAsync(this HttpClient http, string name = "Acme")
    {
        var created = await http.SendJsonAsync(HttpMethod.Post, "/api/tenants", await http.PlatformTokenAsync(), new { name });
        return new TenantCredentials(Guid.Parse(created["tenant"]!["id"]!.GetValue<string>()),
            created["adminClientId"]!.GetValue<string>(), created["adminClientSecret"]!.GetValue<string>());
    }

    public static async Task<string> AdminTokenAsync(this HttpClient http, TenantCredentials tenant) =>
        await http.TokenAsync(tenant.ClientId, tenant.ClientSecret);

    public static async Task<AgentCredentials> CreateAgentAsync(this HttpClient http, string adminToken, object? body = null)
    {
        var created = await http.SendJsonAsync(HttpMethod.Post, "/api/agents", adminToken, body ?? new { name = "Test Agent" });
        var agent = created["agent"]!.AsObject();
        return new AgentCredentials(Guid.Parse(agent["id"]!.GetValue<string>()), agent["clientId"]!.GetValue<string>(),
            created["clientSecret"]!.GetValue<string>(), agent);
    }

    /// <summary>Whether introspection (as the tenant's admin) says the token is active.</summary>
    public static async Task<bool> IsActiveAsync(this HttpClient http, TenantCredentials caller, string token)
    {
        using var response = await http.PostAsync("/oauth2/introspect", new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["token"] = token, ["client_id"] = caller.ClientId, ["client_secret"] = caller.ClientSecret,
        }));
        var text = await response.Content.ReadAsStringAsync();
        if (response.StatusCode != HttpStatusCode.OK) throw new InvalidOperationException($"introspection failed: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!["active"]!.GetValue<bool>();
    }

    /// <summary>The status the API answers a bearer call with: 401 for a dead token, else what the call earns.</summary>
    public static async Task<HttpStatusCode> CallAsync(this HttpClient http, string path, string token)
    {
        using var response = await http.SendAsync(Authorized(HttpMethod.Get, path, token));
        return response.StatusCode;
    }

    /// <summary>Sends JSON with a bearer token and returns the JSON answer; throws on a non-success status.</summary>
    public static async Task<JsonObject> SendJsonAsync(this HttpClient http, HttpMethod method, string path, string token, object? body = null)
    {
        using var response = await http.SendAsync(Authorized(method, path, token, body));
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {text}");
        return text.Length == 0 ? [] : JsonNode.Parse(text)!.AsObject();
    }

    public static HttpRequestMessage Authorized(HttpMethod method, string path, string token, object? body = null)
    {
        var request = new HttpRequestMessage(method, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (body is not null) request.Content = JsonContent.Create(body, options: new JsonSerializerOptions(JsonSerializerDefaults.Web));
        return request;
    }
}
