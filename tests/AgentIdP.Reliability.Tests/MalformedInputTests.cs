using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using AgentIdP.TestSupport;
using CsCheck;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using Xunit.Abstractions;

namespace AgentIdP.Reliability.Tests;

/// <summary>
/// Ten thousand malformed requests from a seeded generator, over real Kestrel: wrong content types, broken JSON,
/// huge bodies and headers, bad UTF-8, wrong types, out-of-range numbers, unknown ids, path traversal, SQL and script
/// fragments. None may get a 5xx, every error must be a ProblemDetails (or an RFC 6749 error on /oauth2), and no
/// rejected request may write anything.
/// </summary>
public sealed class MalformedInputTests(ITestOutputHelper output)
{
    public const int Requests = 10_000;
    public const ulong Seed = 20261128;

    private static readonly string[] BadIds =
    [
        "00000000-0000-0000-0000-000000000000", "../../etc/passwd", "..%2F..%2Fetc%2Fpasswd", "1' OR '1'='1", "1; DROP TABLE agents;--",
        "<script>alert(1)</script>", "%00", "null", "-1", "9999999999999999999999", "😀", new string('a', 3000), "%E0%A4%A", "{{id}}",
    ];

    private static readonly string[] BadNumbers = ["-1", "0", "99999999999", "abc", "1e308", "' OR 1=1--", "NaN", "", "%00", "1.5"];

    private static readonly string[] BadJson =
    [
        "{", "[]", "null", "\"just a string\"", "{\"name\": 123}", "{\"name\": null, \"scopes\": 7}",
        "{\"name\": \"<script>alert(1)</script>\", \"scopes\": [1, 2]}", "{\"name\": \"x'); DROP TABLE agents;--\", \"jwks\": 5}",
        "{\"tier\": 42}", "{\"tier\": \"platinum\"}", "{\"gracePeriodSeconds\": -5}", "{\"gracePeriodSeconds\": 99999999999}",
        "{\"gracePeriodSeconds\": \"soon\"}", "{\"name\": \"ok\", \"jwks\": {\"keys\": [{\"kty\": \"EC\", \"d\": \"private\"}]}}",
        "{\"name\": \"\", \"description\": " + "\"" + new string('x', 3000) + "\"}", "{\"name\": \"ok\", \"scopes\": [\"tenant:admin\"]}",
        "{\"successUrl\": \"javascript:alert(1)\", \"tier\": \"pro\"}",
    ];

    private static readonly string[] BadForms =
    [
        "grant_type=password&username=a&password=b", "grant_type=client_credentials", "grant_type=client_credentials&client_id=x&client_secret=",
        "client_assertion_type=urn%3Aietf%3Aparams%3Aoauth%3Aclient-assertion-type%3Ajwt-bearer&client_assertion=not.a.jwt",
        "grant_type=client_credentials&client_id=%27%20OR%201%3D1--&client_secret=x", "token=abc&client_id=nobody&client_secret=x",
        "grant_type=%ZZ", "=&=&=", "grant_type=client_credentials&scope=" + new string('s', 2000),
    ];

    private sealed record Endpoint(string Method, string Template, bool Body, string Auth);

    // Every endpoint, with state-changing ones reached only with bodies or ids that must be refused.
    private static readonly Endpoint[] Endpoints =
    [
        new("POST", "/oauth2/token", true, "none"), new("POST", "/oauth2/introspect", true, "none"), new("POST", "/oauth2/revoke", true, "none"),
        new("GET", "/.well-known/openid-configuration", false, "none"), new("GET", "/.well-known/jwks.json", false, "none"),
        new("POST", "/api/tenants", true, "platform"), new("GET", "/api/tenants?page={n}&pageSize={n}", false, "platform"),
        new("GET", "/api/tenants/{id}", false, "platform"), new("PUT", "/api/tenants/{id}/tier", true, "platform"),
        new("GET", "/api/tenant", false, "any"), new("POST", "/api/tenant/credentials/rotate", true, "admin"),
        new("POST", "/api/agents", true, "admin"), new("GET", "/api/agents?page={n}&pageSize={n}", false, "any"),
        new("GET", "/api/agents/{id}", false, "any"), new("PATCH", "/api/agents/{id}", true, "admin"), new("DELETE", "/api/agents/{id}", false, "admin"),
        new("POST", "/api/agents/{id}/disable", false, "admin"), new("POST", "/api/agents/{id}/enable", false, "admin"),
        new("POST", "/api/agents/{id}/credentials/rotate", true, "admin"), new("GET", "/api/audit?page={n}&pageSize={n}", false, "any"),
        new("GET", "/api/audit/verify", false, "notadmin"), new("GET", "/api/billing", false, "any"), new("POST", "/api/billing/upgrade", true, "admin"),
        new("POST", "/api/billing/stripe/webhook", true, "none"), new("POST", "/api/platform/keys/rotate", false, "notplatform"),
        new("GET", "/tenants/{id}/agents/{id}/did.json", false, "none"), new("GET", "/{id}", false, "any"), new("PUT", "/api/agents", true, "admin"),
    ];

    private sealed record Case(Endpoint Endpoint, string Id, string Number, int BodyKind, string Body, int ContentType, int Auth, bool HugeHeader);

    private static readonly Gen<Case> Cases =
        from endpoint in Gen.OneOf(Endpoints)
        from id in Gen.OneOf(Gen.OneOf(BadIds), Gen.Guid.Select(g => g.ToString()), Gen.String[Gen.Char.AlphaNumeric, 1, 40])
        from number in Gen.OneOf(Gen.OneOf(BadNumbers), Gen.Long.Select(l => l.ToString()))
        from bodyKind in Gen.Int[0, 5]
        from body in Gen.OneOf(Gen.OneOf(BadJson), Gen.OneOf(BadForms), Gen.String[0, 200])
        from contentType in Gen.Int[0, 5]
        from auth in Gen.Int[0, 4]
        from hugeHeader in Gen.Int[0, 40].Select(i => i == 0)
        select new Case(endpoint, id, number, bodyKind, body, contentType, auth, hugeHeader);

    [Fact]
    public async Task Ten_thousand_malformed_requests_get_no_5xx_only_problem_details_or_oauth_errors_and_write_nothing()
    {
        await using var stripe = await FakeStripe.StartAsync();
        await using var api = await ApiFactory.CreateAsync();
        stripe.Configure(api);
        api.UseKestrel(0);
        api.StartServer();
        var address = api.Services.GetRequiredService<Microsoft.AspNetCore.Hosting.Server.IServer>()
            .Features.Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()!.Addresses.First();
        using var http = new HttpClient { BaseAddress = new Uri(address) };

        var tenant = await http.CreateTenantAsync();
        var admin = await http.AdminTokenAsync(tenant);
        var agent = await http.CreateAgentAsync(admin);
        string[] tokens = ["", "garbage.token.here", admin, await http.TokenAsync(agent.ClientId, agent.ClientSecret), await http.PlatformTokenAsync()];
        var before = await RowCountsAsync(api.DatabaseConnectionString);

        var pcg = new PCG(7, Seed);
        var statuses = new Dictionary<int, int>();
        var failures = new List<string>();
        for (var i = 0; i < Requests; i++)
        {
            var c = Cases.Generate(pcg, null!, out _);
            using var request = Build(c, tokens, agent.AgentId);
            HttpResponseMessage response;
            try
            {
                response = await http.SendAsync(request);
            }
            catch (HttpRequestException e) when (c.HugeHeader || c.BodyKind == 1)
            {
                // Kestrel may close the connection on an oversized request before the client has finished sending it.
                statuses[0] = statuses.GetValueOrDefault(0) + 1;
                _ = e;
                continue;
            }
            catch (HttpRequestException e)
            {
                failures.Add($"#{i} {request.Method} {request.RequestUri} ({request.Content?.Headers.ContentType}, body kind {c.BodyKind}): connection failed: {e.InnerException?.Message ?? e.Message}");
                if (failures.Count >= 20) break;
                continue;
            }
            using var _response = response;
            var status = (int)response.StatusCode;
            statuses[status] = statuses.GetValueOrDefault(status) + 1;
            var problem = await Verdict(request, response);
            if (problem is not null && failures.Count < 20) failures.Add($"#{i} {request.Method} {request.RequestUri}: {problem}");
        }
        var after = await RowCountsAsync(api.DatabaseConnectionString);

        output.WriteLine($"{Requests} requests, seed {Seed}; statuses: {string.Join(", ", statuses.OrderBy(s => s.Key).Select(s => $"{(s.Key == 0 ? "connection closed by Kestrel" : s.Key)}×{s.Value}"))}");
        Assert.True(failures.Count == 0, string.Join("\n", failures));
        Assert.Equal(before, after);
        Assert.DoesNotContain(statuses.Keys, s => s >= 500);
    }

    private static HttpRequestMessage Build(Case c, string[] tokens, Guid ownAgent)
    {
        var e = c.Endpoint;
        var path = e.Template.Replace("{n}", Uri.EscapeDataString(c.Number));
        // A state-changing call without a body must never hit a real id, or it would succeed.
        var id = !e.Body && e.Method != "GET" ? c.Id : (c.Auth == 2 && c.BodyKind == 5 ? ownAgent.ToString() : c.Id);
        path = path.Replace("{id}", Uri.EscapeDataString(id));
        // A fresh connection per request: a malformed request may end its connection, and a pooled reuse would then
        // fail on the client's side for reasons that have nothing to do with the next request.
        var request = new HttpRequestMessage(new HttpMethod(e.Method), path) { Headers = { ConnectionClose = true } };

        var token = e.Auth switch
        {
            "none" => tokens[c.Auth % 2],
            "platform" => tokens[c.Auth == 4 ? 4 : c.Auth % 4],
            "notplatform" => tokens[c.Auth % 4],
            "notadmin" => tokens[c.Auth == 2 ? 3 : c.Auth],
            _ => tokens[c.Auth],
        };
        if (token.Length > 0) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        if (c.HugeHeader) request.Headers.TryAddWithoutValidation("X-Padding", new string('h', 70_000));

        if (e.Body || c.BodyKind == 0)
        {
            byte[] bytes = c.BodyKind switch
            {
                1 => Encoding.UTF8.GetBytes(new string('{', 200_000)),            // over the 64 KB body limit
                2 => [0x7B, 0x22, 0x6E, 0x22, 0x3A, 0x22, 0xC3, 0x28, 0xFF, 0xFE, 0x22, 0x7D], // bad UTF-8
                _ => Encoding.UTF8.GetBytes(c.Body),
            };
            var content = new ByteArrayContent(bytes);
            var type = c.ContentType switch
            {
                0 => "application/json", 1 => "application/x-www-form-urlencoded", 2 => "text/plain", 3 => "application/xml",
                4 => "multipart/form-data; boundary=zz", _ => null,
            };
            if (type is not null) content.Headers.ContentType = MediaTypeHeaderValue.Parse(type);
            request.Content = content;
        }
        return request;
    }

    /// <summary>Null when the answer is acceptable, else what is wrong with it.</summary>
    private static async Task<string?> Verdict(HttpRequestMessage request, HttpResponseMessage response)
    {
        var status = (int)response.StatusCode;
        if (status >= 500) return $"{status} {await response.Content.ReadAsStringAsync()}";
        if (status < 400) return null; // a success that wrote something shows up in the row counts
        // Kestrel answers these itself, before the application sees the request.
        if (status is 431 || (status == 400 && response.Content.Headers.ContentLength == 0 && request.Headers.Contains("X-Padding"))) return null;
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        var body = await response.Content.ReadAsStringAsync();
        if (mediaType == "application/problem+json") return JsonNode.Parse(body)?["status"] is not null ? null : $"problem without status: {body}";
        if (request.RequestUri!.AbsolutePath.StartsWith("/oauth2/", StringComparison.Ordinal) && mediaType == "application/json"
            && JsonNode.Parse(body)?["error"] is not null) return null;
        return $"{status} with {mediaType ?? "no content type"}: {body[..Math.Min(200, body.Length)]}";
    }

    private static async Task<Dictionary<string, long>> RowCountsAsync(string connectionString)
    {
        string[] tables = ["tenants", "clients", "client_secrets", "agents", "audit_events", "signing_keys", "revoked_tokens",
            "used_client_assertions", "stripe_events"];
        await using var db = NpgsqlDataSource.Create(connectionString);
        var counts = new Dictionary<string, long>();
        foreach (var table in tables)
        {
            await using var cmd = db.CreateCommand($"SELECT count(*) FROM {table}");
            counts[table] = (long)(await cmd.ExecuteScalarAsync())!;
        }
        return counts;
    }
}
