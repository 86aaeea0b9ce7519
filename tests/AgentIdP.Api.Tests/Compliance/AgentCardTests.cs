using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using AgentIdP.Api.Compliance;
using AgentIdP.Api.Demo;
using AgentIdP.TestSupport;

namespace AgentIdP.Api.Tests.Compliance;

public sealed class AgentCardTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private HttpClient Http => api.Http;

    [Fact]
    public async Task Every_card_validates_against_the_pinned_a2a_schema_and_every_record_against_the_pinned_oasf_schema()
    {
        var tenant = await Http.CreateTenantAsync();
        var admin = await Http.AdminTokenAsync(tenant);
        var bodies = DemoAgents.All.Select(a => (object)a).Append(Documents.CompliantAgent("Minimal Agent")).ToList();
        var agents = new List<TestApi.AgentCredentials>();
        foreach (var body in bodies) agents.Add(await Http.CreateAgentAsync(admin, body));

        foreach (var agent in agents)
        {
            var (cardResponse, card) = await Http.GetJsonAsync(Documents.CardPath(tenant.TenantId, agent.AgentId));
            var (recordResponse, record) = await Http.GetJsonAsync(Documents.RecordPath(tenant.TenantId, agent.AgentId));

            Assert.Equal(HttpStatusCode.OK, cardResponse.StatusCode);
            Assert.Equal(HttpStatusCode.OK, recordResponse.StatusCode);
            Assert.Empty(PinnedSchemas.ValidateCard(card!));
            Assert.Empty(PinnedSchemas.ValidateRecord(record!));
            Assert.Empty(OasfRecords.TaxonomyProblems(record!));
            Assert.Equal("1.0.0", record!["schema_version"]!.GetValue<string>());
            var a2a = record["modules"]!.AsArray().Single()!;
            Assert.Equal(203, a2a["id"]!.GetValue<int>());
            Assert.Equal("v1.0.0", a2a["data"]!["card_schema_version"]!.GetValue<string>());
            Assert.True(JsonNode.DeepEquals(card, a2a["data"]!["card_data"]));
        }
    }

    [Fact]
    public async Task The_card_is_an_a2a_1_0_card_that_names_this_idp_for_oauth2()
    {
        var tenant = await Http.CreateTenantAsync();
        var agent = await Http.CreateAgentAsync(await Http.AdminTokenAsync(tenant), Documents.CompliantAgent());

        var (_, card) = await Http.GetJsonAsync(Documents.CardPath(tenant.TenantId, agent.AgentId));

        Assert.Equal(["capabilities", "defaultInputModes", "defaultOutputModes", "description", "name", "provider", "securityRequirements",
            "securitySchemes", "signatures", "skills", "supportedInterfaces", "version"], card!.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal("1.0", card!["supportedInterfaces"]![0]!["protocolVersion"]!.GetValue<string>());
        var scheme = card["securitySchemes"]!["agentidp"]!["oauth2SecurityScheme"]!;
        Assert.Equal(ApiFactory.TestIssuer + "/oauth2/token", scheme["flows"]!["clientCredentials"]!["tokenUrl"]!.GetValue<string>());
        Assert.Equal(ApiFactory.TestIssuer + "/.well-known/oauth-authorization-server", scheme["oauth2MetadataUrl"]!.GetValue<string>());
        Assert.Equal(["a2a:invoke"], card["securityRequirements"]![0]!["schemes"]!["agentidp"]!["list"]!.AsArray().Select(s => s!.GetValue<string>()));
        var header = Documents.SignatureHeader(card);
        Assert.Equal("ES256", header["alg"]!.GetValue<string>());
        Assert.Equal("JOSE", header["typ"]!.GetValue<string>());
        Assert.Equal(ApiFactory.TestIssuer + "/.well-known/jwks.json", header["jku"]!.GetValue<string>());
        // The metadata URL the card names resolves.
        using var metadata = await Http.GetAsync("/.well-known/oauth-authorization-server");
        Assert.Equal(HttpStatusCode.OK, metadata.StatusCode);
    }

    [Fact]
    public async Task The_pinned_schema_refuses_unknown_keys_and_a2a_0_3_fields()
    {
        var tenant = await Http.CreateTenantAsync();
        var agent = await Http.CreateAgentAsync(await Http.AdminTokenAsync(tenant), Documents.CompliantAgent());
        var (_, card) = await Http.GetJsonAsync(Documents.CardPath(tenant.TenantId, agent.AgentId));

        var withOldField = card!.DeepClone().AsObject();
        withOldField["url"] = "https://agents.acme.example/invoice/a2a";
        var withoutInterfaces = card.DeepClone().AsObject();
        withoutInterfaces["supportedInterfaces"] = new JsonArray();
        var twoSchemes = card.DeepClone().AsObject();
        twoSchemes["securitySchemes"]!["agentidp"]!["mtlsSecurityScheme"] = new JsonObject();

        Assert.Equal(["/url: not allowed here (the object is closed)"], PinnedSchemas.ValidateCard(withOldField));
        Assert.NotEmpty(PinnedSchemas.ValidateCard(withoutInterfaces));
        Assert.NotEmpty(PinnedSchemas.ValidateCard(twoSchemes));
    }

    [Fact]
    public async Task Card_signatures_verify_with_the_public_jwks_and_fail_after_one_byte_of_the_card_changes()
    {
        var tenant = await Http.CreateTenantAsync();
        var agent = await Http.CreateAgentAsync(await Http.AdminTokenAsync(tenant), Documents.CompliantAgent());
        using var response = await Http.GetAsync(Documents.CardPath(tenant.TenantId, agent.AgentId));
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var jwks = await Http.GetStringAsync("/.well-known/jwks.json");

        var text = Encoding.UTF8.GetString(bytes);
        var at = text.IndexOf("Invoice Agent", StringComparison.Ordinal) + "Invoice Agent".Length - 1;
        var changed = text[..at] + "u" + text[(at + 1)..];

        Assert.True(await Documents.SignaturesVerifyAsync(JsonNode.Parse(bytes)!.AsObject(), jwks));
        Assert.Equal(bytes.Length, Encoding.UTF8.GetByteCount(changed));
        Assert.False(await Documents.SignaturesVerifyAsync(JsonNode.Parse(changed)!.AsObject(), jwks));
    }

    [Fact]
    public async Task The_card_and_record_answer_a_conditional_get_with_304_and_carry_cache_headers()
    {
        var tenant = await Http.CreateTenantAsync();
        var agent = await Http.CreateAgentAsync(await Http.AdminTokenAsync(tenant), Documents.CompliantAgent());

        foreach (var path in new[] { Documents.CardPath(tenant.TenantId, agent.AgentId), Documents.RecordPath(tenant.TenantId, agent.AgentId) })
        {
            using var first = await Http.GetAsync(path);
            using var again = await Http.GetAsync(path);
            var etag = first.Headers.ETag!;
            using var conditional = new HttpRequestMessage(HttpMethod.Get, path);
            conditional.Headers.IfNoneMatch.Add(etag);
            using var notModified = await Http.SendAsync(conditional);
            using var stale = new HttpRequestMessage(HttpMethod.Get, path);
            stale.Headers.IfNoneMatch.Add(new EntityTagHeaderValue("\"0123\""));
            using var modified = await Http.SendAsync(stale);

            Assert.False(etag.IsWeak);
            Assert.Equal(etag, again.Headers.ETag);
            Assert.Equal(await first.Content.ReadAsByteArrayAsync(), await again.Content.ReadAsByteArrayAsync());
            Assert.True(first.Headers.CacheControl!.Public);
            Assert.Equal(TimeSpan.FromSeconds(300), first.Headers.CacheControl.MaxAge);
            Assert.Equal(HttpStatusCode.NotModified, notModified.StatusCode);
            Assert.Equal(etag, notModified.Headers.ETag);
            Assert.Empty(await notModified.Content.ReadAsByteArrayAsync());
            Assert.Equal(HttpStatusCode.OK, modified.StatusCode);
        }
    }

    [Fact]
    public async Task A_changed_profile_changes_the_card_and_its_etag()
    {
        var tenant = await Http.CreateTenantAsync();
        var admin = await Http.AdminTokenAsync(tenant);
        var agent = await Http.CreateAgentAsync(admin, Documents.CompliantAgent());
        var path = Documents.CardPath(tenant.TenantId, agent.AgentId);
        using var before = await Http.GetAsync(path);

        await Http.SendJsonAsync(HttpMethod.Patch, $"/api/agents/{agent.AgentId}", admin, new { version = "1.5.0" });
        var (after, card) = await Http.GetJsonAsync(path);

        Assert.NotEqual(before.Headers.ETag, after.Headers.ETag);
        Assert.Equal("1.5.0", card!["version"]!.GetValue<string>());
        Assert.True(await Documents.SignaturesVerifyAsync(card, await Http.GetStringAsync("/.well-known/jwks.json")));
    }

    [Fact]
    public async Task A_disabled_or_unknown_agent_has_no_public_card_or_record()
    {
        var tenant = await Http.CreateTenantAsync();
        var admin = await Http.AdminTokenAsync(tenant);
        var agent = await Http.CreateAgentAsync(admin, Documents.CompliantAgent());
        await Http.SendJsonAsync(HttpMethod.Post, $"/api/agents/{agent.AgentId}/disable", admin);

        foreach (var path in new[]
        {
            Documents.CardPath(tenant.TenantId, agent.AgentId), Documents.RecordPath(tenant.TenantId, agent.AgentId),
            Documents.CardPath(tenant.TenantId, Guid.NewGuid()), Documents.RecordPath(Guid.NewGuid(), agent.AgentId),
        })
        {
            using var response = await Http.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task An_agent_without_interfaces_has_no_card_and_its_admin_is_told_what_is_missing()
    {
        var tenant = await Http.CreateTenantAsync();
        var admin = await Http.AdminTokenAsync(tenant);
        var agent = await Http.CreateAgentAsync(admin, new { name = "Bare Agent" });

        using var published = await Http.GetAsync(Documents.CardPath(tenant.TenantId, agent.AgentId));
        using var card = await Http.SendAsync(TestApi.Authorized(HttpMethod.Get, $"/api/agents/{agent.AgentId}/card", admin));
        using var record = await Http.SendAsync(TestApi.Authorized(HttpMethod.Get, $"/api/agents/{agent.AgentId}/oasf-record", admin));
        var cardProblem = JsonNode.Parse(await card.Content.ReadAsStringAsync())!;
        var recordProblem = JsonNode.Parse(await record.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.NotFound, published.StatusCode);
        Assert.Equal(HttpStatusCode.Conflict, card.StatusCode);
        Assert.Contains("supportedInterfaces", cardProblem["detail"]!.GetValue<string>());
        Assert.Contains("version", cardProblem["detail"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.Conflict, record.StatusCode);
        Assert.Contains("OASF skill", recordProblem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Tenant_admins_get_their_own_agents_cards_and_records_and_another_tenants_ids_answer_404()
    {
        var mine = await Http.CreateTenantAsync();
        var theirs = await Http.CreateTenantAsync();
        var myAdmin = await Http.AdminTokenAsync(mine);
        var theirAdmin = await Http.AdminTokenAsync(theirs);
        var agent = await Http.CreateAgentAsync(myAdmin, Documents.CompliantAgent());

        var (ownCard, card) = await Http.GetJsonAsync($"/api/agents/{agent.AgentId}/card", myAdmin);
        var (ownRecord, _) = await Http.GetJsonAsync($"/api/agents/{agent.AgentId}/oasf-record", myAdmin);
        var (publicCard, _) = await Http.GetJsonAsync(Documents.CardPath(mine.TenantId, agent.AgentId));
        var (crossCard, _) = await Http.GetJsonAsync($"/api/agents/{agent.AgentId}/card", theirAdmin);
        var (crossRecord, _) = await Http.GetJsonAsync($"/api/agents/{agent.AgentId}/oasf-record", theirAdmin);
        var (crossPublic, _) = await Http.GetJsonAsync(Documents.CardPath(theirs.TenantId, agent.AgentId));
        var (anonymous, _) = await Http.GetJsonAsync($"/api/agents/{agent.AgentId}/card");

        Assert.Equal(HttpStatusCode.OK, ownCard.StatusCode);
        Assert.Equal(HttpStatusCode.OK, ownRecord.StatusCode);
        Assert.Equal(publicCard.Headers.ETag, ownCard.Headers.ETag);
        Assert.Equal("Invoice Agent", card!["name"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.NotFound, crossCard.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, crossRecord.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, crossPublic.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
    }
}
