using AgentIdP.Api.Platform;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;

namespace AgentIdP.Bench;

/// <summary>
/// Creates enterprise tenants with agents through the API (so the numbers include real credentials), and writes:
/// <c>basic.txt</c> (one base64 <c>client_id:secret</c> per agent), <c>bearer.txt</c> (one tenant-admin access token
/// per tenant) and <c>keys.txt</c> (client id and PKCS#8 private key of each agent, for private_key_jwt).
/// </summary>
public static class Seeder
{
    public static async Task<int> RunAsync(Uri api, string platformSecret, int tenants, int agentsPerTenant, string outDir)
    {
        Directory.CreateDirectory(outDir);
        using var http = new HttpClient { BaseAddress = api };
        var platform = await TokenAsync(http, "platform-admin", platformSecret);
        var basic = new List<string>();
        var bearer = new List<string>();
        var keys = new List<string>();
        for (var t = 0; t < tenants; t++)
        {
            var tenant = await SendAsync(http, HttpMethod.Post, "/api/tenants", platform, new { name = $"Bench tenant {t}", tier = "enterprise" });
            var adminId = tenant["adminClientId"]!.GetValue<string>();
            var admin = await TokenAsync(http, adminId, tenant["adminClientSecret"]!.GetValue<string>());
            bearer.Add(admin);
            for (var a = 0; a < agentsPerTenant; a++)
            {
                using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
                var p = key.ExportParameters(false);
                var jwk = new JsonObject
                {
                    ["kty"] = "EC", ["crv"] = "P-256", ["x"] = Base64Url.Encode(p.Q.X), ["y"] = Base64Url.Encode(p.Q.Y), ["kid"] = "bench",
                };
                var created = await SendAsync(http, HttpMethod.Post, "/api/agents", admin,
                    new { name = $"Bench agent {t}.{a}", jwks = new JsonObject { ["keys"] = new JsonArray(jwk) } });
                var clientId = created["agent"]!["clientId"]!.GetValue<string>();
                basic.Add(Convert.ToBase64String(Encoding.UTF8.GetBytes($"{clientId}:{created["clientSecret"]!.GetValue<string>()}")));
                keys.Add($"{clientId} {Convert.ToBase64String(key.ExportPkcs8PrivateKey())}");
            }
            Console.WriteLine($"seed: tenant {t + 1}/{tenants} with {agentsPerTenant} agents");
        }
        await File.WriteAllLinesAsync(Path.Combine(outDir, "basic.txt"), basic);
        await File.WriteAllLinesAsync(Path.Combine(outDir, "bearer.txt"), bearer);
        await File.WriteAllLinesAsync(Path.Combine(outDir, "keys.txt"), keys);
        return 0;
    }

    private static async Task<string> TokenAsync(HttpClient http, string clientId, string secret)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth2/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["grant_type"] = "client_credentials" }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{clientId}:{secret}")));
        using var response = await http.SendAsync(request);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["access_token"]!.GetValue<string>();
    }

    private static async Task<JsonObject> SendAsync(HttpClient http, HttpMethod method, string path, string token, object body)
    {
        using var request = new HttpRequestMessage(method, path) { Content = JsonContent.Create(body) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode) throw new InvalidOperationException($"{method} {path}: {(int)response.StatusCode} {text}");
        return JsonNode.Parse(text)!.AsObject();
    }
}
