using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using AgentIdP.Api.Compliance;
using AgentIdP.TestSupport;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace AgentIdP.Api.Tests.Compliance;

public sealed class ComplianceReportTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private const string Report = "/api/compliance/report";
    private HttpClient Http => api.Http;

    [Fact]
    public async Task A_tenant_of_complete_agents_gets_a_full_report_with_every_check_of_the_profile_for_every_agent()
    {
        var tenant = await Http.CreateTenantAsync("Complete Co");
        var admin = await Http.AdminTokenAsync(tenant);
        await Http.CreateAgentAsync(admin, Documents.CompliantAgent("Invoice Agent"));
        await Http.CreateAgentAsync(admin, Documents.CompliantAgent("Second Agent"));

        var report = await Http.SendJsonAsync(HttpMethod.Get, Report, admin);

        Assert.Equal("1.0", report["reportSchemaVersion"]!.GetValue<string>());
        Assert.Equal("AgentIdP profile v1", report["profile"]!.GetValue<string>());
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"a2a":"1.0","oasf":"1.0.0","agntcyIdentity":"v1alpha1"}"""), report["specVersions"]));
        Assert.Equal(tenant.TenantId.ToString(), report["tenant"]!["id"]!.GetValue<string>());
        Assert.Equal("Complete Co", report["tenant"]!["name"]!.GetValue<string>());
        Assert.Equal("free", report["tenant"]!["tier"]!.GetValue<string>());
        Assert.Equal("FULL", report["level"]!.GetValue<string>());
        Assert.True(report["auditChain"]!["valid"]!.GetValue<bool>());
        Assert.Equal(TimeSpan.FromMinutes(5), report["cachedUntil"]!.GetValue<DateTimeOffset>() - report["generatedAt"]!.GetValue<DateTimeOffset>());
        var agents = report["agents"]!.AsArray();
        Assert.Equal(2, agents.Count);
        foreach (var agent in agents)
        {
            Assert.Equal(ComplianceChecks.All.Select(c => c.Id), agent!["checks"]!.AsArray().Select(c => c!["id"]!.GetValue<string>()));
            Assert.All(agent["checks"]!.AsArray(), c => Assert.Equal("pass", c!["status"]!.GetValue<string>()));
            Assert.All(agent["checks"]!.AsArray(), c => Assert.False(string.IsNullOrEmpty(c!["evidence"]!.GetValue<string>())));
        }
        Assert.Equal(2 * 9, report["summary"]!["MUST"]!["pass"]!.GetValue<int>());
        Assert.Equal(2 * 5, report["summary"]!["SHOULD"]!["pass"]!.GetValue<int>());
        Assert.Equal(0, report["summary"]!["MUST"]!["fail"]!.GetValue<int>());
        Assert.Equal(0, report["summary"]!["MAY"]!["pass"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_broken_agent_with_no_key_an_expired_credential_and_a_tampered_audit_row_makes_the_tenant_non_compliant()
    {
        var tenant = await Http.CreateTenantAsync();
        var admin = await Http.AdminTokenAsync(tenant);
        var healthy = await Http.CreateAgentAsync(admin, Documents.CompliantAgent("Healthy Agent"));
        var broken = await Http.CreateAgentAsync(admin, Documents.CompliantAgent("Broken Agent"));
        await using (var db = NpgsqlDataSource.Create(api.Factory.DatabaseConnectionString))
        {
            // No key: drop the registered JWK Set. Expired credential: its only secret ran out yesterday.
            await ExecuteAsync(db, "UPDATE clients SET jwks = NULL WHERE client_id = @c", ("c", broken.ClientId));
            await ExecuteAsync(db, "UPDATE client_secrets SET expires_at = now() - interval '1 day' WHERE client_id = @c", ("c", broken.ClientId));
            await ExecuteAsync(db, "UPDATE audit_events SET actor = 'intruder' WHERE tenant_id = @t AND seq = 2", ("t", tenant.TenantId));
        }

        var report = await Http.SendJsonAsync(HttpMethod.Get, Report, admin);

        var agents = report["agents"]!.AsArray().ToDictionary(a => a!["agentId"]!.GetValue<Guid>());
        Assert.Equal(["AGT-ID-002", "AGT-CRED-001", "AGT-AUD-001"], Failing(agents[broken.AgentId]!));
        Assert.Equal(["AGT-AUD-001"], Failing(agents[healthy.AgentId]!));
        Assert.Equal("NON_COMPLIANT", report["level"]!.GetValue<string>());
        Assert.Equal("NON_COMPLIANT", agents[broken.AgentId]!["level"]!.GetValue<string>());
        Assert.False(report["auditChain"]!["valid"]!.GetValue<bool>());
        Assert.Equal(2, report["auditChain"]!["firstBrokenSeq"]!.GetValue<int>());
        Assert.Equal(3, report["summary"]!["MUST"]!["fail"]!.GetValue<int>());
        Assert.Equal(1, report["summary"]!["SHOULD"]!["fail"]!.GetValue<int>());
        var credential = agents[broken.AgentId]!["checks"]!.AsArray().Single(c => c!["id"]!.GetValue<string>() == "AGT-CRED-001")!;
        Assert.Contains("expired", credential["evidence"]!.GetValue<string>());
    }

    [Fact]
    public async Task An_agent_without_a_profile_fails_the_card_and_record_checks_and_skips_what_depends_on_them()
    {
        var tenant = await Http.CreateTenantAsync();
        var admin = await Http.AdminTokenAsync(tenant);
        await Http.CreateAgentAsync(admin, new { name = "Bare Agent", jwks = Documents.PublicKeySet() });

        var report = await Http.SendJsonAsync(HttpMethod.Get, Report, admin);

        var checks = report["agents"]![0]!["checks"]!.AsArray().ToDictionary(c => c!["id"]!.GetValue<string>(), c => c!["status"]!.GetValue<string>());
        Assert.Equal("fail", checks["AGT-CARD-001"]);
        Assert.Equal("skip", checks["AGT-CARD-002"]);
        Assert.Equal("skip", checks["AGT-CARD-004"]);
        Assert.Equal("fail", checks["AGT-REC-001"]);
        Assert.Equal("skip", checks["AGT-REC-003"]);
        Assert.Equal("pass", checks["AGT-CRED-001"]);
        Assert.Equal("NON_COMPLIANT", report["level"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_disabled_agent_counts_as_not_applicable_for_its_card_record_and_credentials()
    {
        var tenant = await Http.CreateTenantAsync();
        var admin = await Http.AdminTokenAsync(tenant);
        var agent = await Http.CreateAgentAsync(admin, new { name = "Retired Agent", jwks = Documents.PublicKeySet() });
        await Http.SendJsonAsync(HttpMethod.Post, $"/api/agents/{agent.AgentId}/disable", admin);

        var report = await Http.SendJsonAsync(HttpMethod.Get, Report, admin);

        var checks = report["agents"]![0]!["checks"]!.AsArray();
        Assert.Equal(9, checks.Count(c => c!["status"]!.GetValue<string>() == "not_applicable"));
        Assert.Equal("FULL", report["level"]!.GetValue<string>());
    }

    [Fact]
    public async Task The_report_answers_a_conditional_get_with_304()
    {
        var tenant = await Http.CreateTenantAsync();
        var admin = await Http.AdminTokenAsync(tenant);
        await Http.CreateAgentAsync(admin, Documents.CompliantAgent());

        using var first = await Http.SendAsync(TestApi.Authorized(HttpMethod.Get, Report, admin));
        using var conditional = TestApi.Authorized(HttpMethod.Get, Report, admin);
        conditional.Headers.IfNoneMatch.Add(first.Headers.ETag!);
        using var notModified = await Http.SendAsync(conditional);

        Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        Assert.False(first.Headers.ETag!.IsWeak);
        Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
    }

    [Fact]
    public async Task A_client_that_accepts_gzip_gets_the_same_report_compressed_under_its_own_etag()
    {
        var tenant = await Http.CreateTenantAsync();
        var admin = await Http.AdminTokenAsync(tenant);
        await Http.CreateAgentAsync(admin, Documents.CompliantAgent());

        using var plain = await Http.SendAsync(TestApi.Authorized(HttpMethod.Get, Report, admin));
        using var request = TestApi.Authorized(HttpMethod.Get, Report, admin);
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        using var compressed = await Http.SendAsync(request);
        await using var gzip = new System.IO.Compression.GZipStream(await compressed.Content.ReadAsStreamAsync(), System.IO.Compression.CompressionMode.Decompress);
        using var unzipped = new MemoryStream();
        await gzip.CopyToAsync(unzipped);

        Assert.Equal(["gzip"], compressed.Content.Headers.ContentEncoding);
        Assert.Equal(await plain.Content.ReadAsByteArrayAsync(), unzipped.ToArray());
        Assert.NotEqual(plain.Headers.ETag, compressed.Headers.ETag);
        Assert.Contains("Accept-Encoding", compressed.Headers.Vary);
    }

    [Fact]
    public async Task The_signed_report_verifies_offline_against_the_jwks_in_both_of_its_forms()
    {
        var tenant = await Http.CreateTenantAsync();
        var admin = await Http.AdminTokenAsync(tenant);
        await Http.CreateAgentAsync(admin, Documents.CompliantAgent());
        var json = await Http.SendJsonAsync(HttpMethod.Get, Report, admin);
        using var viaRoute = await Http.SendAsync(TestApi.Authorized(HttpMethod.Get, Report + ".jws", admin));
        using var negotiated = TestApi.Authorized(HttpMethod.Get, Report, admin);
        negotiated.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/jose"));
        using var viaAccept = await Http.SendAsync(negotiated);
        // Offline: only the JWKS document is needed, fetched once.
        var keys = new JsonWebKeySet(await Http.GetStringAsync("/.well-known/jwks.json")).GetSigningKeys();

        foreach (var response in new[] { viaRoute, viaAccept })
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal("application/jose", response.Content.Headers.ContentType?.MediaType);
            var jws = await response.Content.ReadAsStringAsync();
            var result = await new JsonWebTokenHandler().ValidateTokenAsync(jws, Offline(keys));
            Assert.True(result.IsValid, result.Exception?.Message);
            var payload = JsonNode.Parse(Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(jws.Split('.')[1])));
            Assert.True(JsonNode.DeepEquals(json, payload));
            var tampered = jws.Split('.');
            tampered[1] = Base64UrlEncoder.Encode(Encoding.UTF8.GetBytes(payload!.ToJsonString().Replace("\"FULL\"", "\"MANDATORY\"")));
            Assert.False((await new JsonWebTokenHandler().ValidateTokenAsync(string.Join('.', tampered), Offline(keys))).IsValid);
        }
        Assert.Contains("Accept", viaAccept.Headers.Vary);
    }

    [Fact]
    public async Task Each_tenant_admin_sees_only_their_own_agents_in_the_report()
    {
        var mine = await Http.CreateTenantAsync();
        var theirs = await Http.CreateTenantAsync();
        var myAgent = await Http.CreateAgentAsync(await Http.AdminTokenAsync(mine), Documents.CompliantAgent("Mine"));
        var theirAgent = await Http.CreateAgentAsync(await Http.AdminTokenAsync(theirs), Documents.CompliantAgent("Theirs"));

        var myReport = await Http.SendJsonAsync(HttpMethod.Get, Report, await Http.AdminTokenAsync(mine));
        var theirReport = await Http.SendJsonAsync(HttpMethod.Get, Report, await Http.AdminTokenAsync(theirs));
        using var anonymous = await Http.GetAsync(Report);

        Assert.Equal([myAgent.AgentId], myReport["agents"]!.AsArray().Select(a => a!["agentId"]!.GetValue<Guid>()));
        Assert.Equal([theirAgent.AgentId], theirReport["agents"]!.AsArray().Select(a => a!["agentId"]!.GetValue<Guid>()));
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }

    /// <summary>A signed report is checked with the JWKS alone: a report is a statement of its time, so no lifetime applies.</summary>
    private static TokenValidationParameters Offline(IList<SecurityKey> keys) => new()
    {
        IssuerSigningKeys = keys, ValidateIssuer = false, ValidateAudience = false, ValidateLifetime = false, RequireExpirationTime = false,
        ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256], ValidTypes = [ComplianceReports.JwsType],
    };

    private static string[] Failing(JsonNode agent) =>
        [.. agent["checks"]!.AsArray().Where(c => c!["status"]!.GetValue<string>() == "fail").Select(c => c!["id"]!.GetValue<string>())];

    private static async Task ExecuteAsync(NpgsqlDataSource db, string sql, (string Name, object Value) parameter)
    {
        await using var cmd = db.CreateCommand(sql);
        cmd.Parameters.AddWithValue(parameter.Name, parameter.Value);
        Assert.Equal(1, await cmd.ExecuteNonQueryAsync());
    }
}
