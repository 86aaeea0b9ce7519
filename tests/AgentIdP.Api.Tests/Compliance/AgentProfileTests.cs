using System.Net;
using System.Text.Json.Nodes;
using AgentIdP.TestSupport;

namespace AgentIdP.Api.Tests.Compliance;

public sealed class AgentProfileTests(ApiFixture api) : IClassFixture<ApiFixture>
{
    private HttpClient Http => api.Http;

    [Fact]
    public async Task An_agent_keeps_its_profile_with_oasf_pairs_completed_from_the_pinned_taxonomy()
    {
        var admin = await Http.AdminTokenAsync(await Http.CreateTenantAsync());
        var agent = await Http.CreateAgentAsync(admin, Documents.CompliantAgent());

        var read = await Http.SendJsonAsync(HttpMethod.Get, $"/api/agents/{agent.AgentId}", admin);

        Assert.Equal("1.4.0", read["version"]!.GetValue<string>());
        Assert.Equal("Acme Agents", read["provider"]!["organization"]!.GetValue<string>());
        Assert.Equal("JSONRPC", read["interfaces"]![0]!["protocolBinding"]!.GetValue<string>());
        Assert.Equal("extract", read["skills"]![0]!["id"]!.GetValue<string>());
        // Sent as an id alone and as a name alone: stored as full pairs.
        Assert.Equal("multi_modal/image_processing/image_to_text", read["oasfSkills"]![1]!["name"]!.GetValue<string>());
        Assert.Equal(202, read["oasfDomains"]![0]!["id"]!.GetValue<int>());
        Assert.Equal(["application/pdf", "text/plain"], read["defaultInputModes"]!.AsArray().Select(m => m!.GetValue<string>()));
    }

    [Fact]
    public async Task An_update_replaces_the_profile_fields_it_names_and_keeps_the_others()
    {
        var admin = await Http.AdminTokenAsync(await Http.CreateTenantAsync());
        var agent = await Http.CreateAgentAsync(admin, Documents.CompliantAgent());

        var updated = await Http.SendJsonAsync(HttpMethod.Patch, $"/api/agents/{agent.AgentId}", admin, new
        {
            version = "2.0.0",
            interfaces = new[] { new { url = "https://agents.acme.example/v2", protocolBinding = "HTTP+JSON" }, new { url = "http://localhost:9000/a2a", protocolBinding = "custom-ws" } },
            oasfDomains = Array.Empty<object>(),
        });

        Assert.Equal("2.0.0", updated["version"]!.GetValue<string>());
        Assert.Equal(2, updated["interfaces"]!.AsArray().Count);
        Assert.Empty(updated["oasfDomains"]!.AsArray());
        Assert.Equal(2, updated["oasfSkills"]!.AsArray().Count);
        Assert.Equal("Acme Agents", updated["provider"]!["organization"]!.GetValue<string>());
    }

    [Theory]
    [InlineData("""{"oasfSkills":[{"id":502,"name":"analytical_skills/mathematical_reasoning"}]}""", "OASF skill id 502 is 'analytical_skills/coding_skills'")]
    [InlineData("""{"oasfSkills":[{"id":99999}]}""", "OASF skill id 99999 is not in the OASF 1.0.0 taxonomy")]
    [InlineData("""{"oasfSkills":[{"name":"natural_language_processing/natural_language_understanding/contextual_comprehension_v2"}]}""", "is not in the OASF 1.0.0 taxonomy")]
    [InlineData("""{"oasfDomains":[{"id":107,"name":"technology/cybersecurity"}]}""", "OASF domain id 107 is 'technology/security'")]
    [InlineData("""{"oasfSkills":[{"id":502},{"name":"analytical_skills/coding_skills"}]}""", "lists 502 (analytical_skills/coding_skills) twice")]
    [InlineData("""{"interfaces":[{"url":"http://agents.example.com/a2a","protocolBinding":"JSONRPC"}]}""", "interfaces[0].url must be an absolute https URL")]
    [InlineData("""{"interfaces":[{"url":"/a2a","protocolBinding":"JSONRPC"}]}""", "interfaces[0].url must be an absolute https URL")]
    [InlineData("""{"interfaces":[{"url":"https://agents.example.com/a2a","protocolBinding":"JSON RPC"}]}""", "interfaces[0].protocolBinding must be")]
    [InlineData("""{"interfaces":[{"url":"https://agents.example.com/a2a"}]}""", "interfaces[0].protocolBinding must be")]
    [InlineData("""{"skills":[{"id":"a","name":"A","description":"d","tags":["t"]},{"id":"a","name":"B","description":"d","tags":["t"]}]}""", "skills has the id 'a' twice")]
    [InlineData("""{"skills":[{"id":"a","name":"A","description":"d","tags":[]}]}""", "skills[0].tags must hold 1 to 20 tags")]
    [InlineData("""{"skills":[{"id":"a","name":"A","tags":["t"]}]}""", "skills[0].description is required")]
    [InlineData("""{"defaultInputModes":["plain text"]}""", "defaultInputModes[0] must be a media type")]
    [InlineData("""{"defaultOutputModes":[]}""", "defaultOutputModes must hold 1 to 20 media types")]
    [InlineData("""{"provider":{"organization":"Acme"}}""", "provider.url is required")]
    [InlineData("""{"version":"1.0 beta"}""", "version must be 1-64 characters")]
    [InlineData("""{"documentationUrl":"ftp://docs.example.com"}""", "documentationUrl must be an absolute https URL")]
    public async Task A_bad_profile_is_refused_with_a_400_that_names_the_field(string profile, string expected)
    {
        var admin = await Http.AdminTokenAsync(await Http.CreateTenantAsync());
        var agent = await Http.CreateAgentAsync(admin);
        var body = JsonNode.Parse(profile)!.AsObject();

        using var update = await Http.SendAsync(TestApi.Authorized(HttpMethod.Patch, $"/api/agents/{agent.AgentId}", admin, body));
        body["name"] = "Another Agent";
        using var create = await Http.SendAsync(TestApi.Authorized(HttpMethod.Post, "/api/agents", admin, body));
        var after = await Http.SendJsonAsync(HttpMethod.Get, $"/api/agents/{agent.AgentId}", admin);

        foreach (var response in new[] { update, create })
        {
            Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains(expected, JsonNode.Parse(await response.Content.ReadAsStringAsync())!["detail"]!.GetValue<string>());
        }
        Assert.Null(after["version"]);
        Assert.Empty(after["interfaces"]!.AsArray());
    }

    [Fact]
    public async Task A_full_profile_round_trips_through_create_read_and_list_unchanged()
    {
        var admin = await Http.AdminTokenAsync(await Http.CreateTenantAsync());
        var profile = JsonNode.Parse("""
            {"version": "3.0.1", "provider": {"organization": "Acme Agents", "url": "https://acme.example"},
             "interfaces": [{"url": "https://agents.acme.example/a2a", "protocolBinding": "JSONRPC"},
                            {"url": "https://agents.acme.example/grpc", "protocolBinding": "GRPC"}],
             "skills": [{"id": "extract", "name": "Extract fields", "description": "Reads an invoice.", "tags": ["invoices", "finance"],
                         "examples": ["What is the total?"]}],
             "oasfSkills": [{"id": 502, "name": "analytical_skills/coding_skills"}],
             "oasfDomains": [{"id": 202, "name": "finance_and_business/finance"}],
             "defaultInputModes": ["application/pdf"], "defaultOutputModes": ["application/json", "text/plain"],
             "capabilities": {"streaming": true, "pushNotifications": false}, "documentationUrl": "https://docs.acme.example/agent"}
            """)!.AsObject();
        var body = profile.DeepClone().AsObject();
        body["name"] = "Round Trip Agent";

        var created = await Http.SendJsonAsync(HttpMethod.Post, "/api/agents", admin, body);
        var id = created["agent"]!["id"]!.GetValue<string>();
        var read = await Http.SendJsonAsync(HttpMethod.Get, $"/api/agents/{id}", admin);
        var listed = (await Http.SendJsonAsync(HttpMethod.Get, "/api/agents", admin))["items"]!.AsArray().Single()!;

        foreach (var agent in new[] { created["agent"]!, read, listed })
        {
            foreach (var (field, value) in profile) Assert.True(JsonNode.DeepEquals(value, agent[field]), $"{field}: {agent[field]?.ToJsonString()}");
            Assert.Equal("Round Trip Agent", agent["name"]!.GetValue<string>());
        }
    }

    [Fact]
    public async Task A_bad_profile_answers_a_validation_problem_with_each_error_under_its_field()
    {
        var admin = await Http.AdminTokenAsync(await Http.CreateTenantAsync());

        using var response = await Http.SendAsync(TestApi.Authorized(HttpMethod.Post, "/api/agents", admin, JsonNode.Parse("""
            {"name": "X", "version": "1.0 beta", "colour": "blue",
             "interfaces": [{"url": "https://agents.example.com/a2a", "protocolBinding": "JSONRPC"}, {"url": "/a2a", "protocolBinding": "JSON RPC"}]}
            """)));
        var problem = JsonNode.Parse(await response.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(["colour", "version", "interfaces[1].url", "interfaces[1].protocolBinding"],
            problem["errors"]!.AsObject().Select(e => e.Key));
        Assert.Contains("interfaces[1].url must be an absolute https URL", problem["errors"]!["interfaces[1].url"]![0]!.GetValue<string>());
        Assert.Contains("'colour' is not a field of an agent", problem["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task A_profile_value_of_the_wrong_type_is_a_400_not_a_500()
    {
        var admin = await Http.AdminTokenAsync(await Http.CreateTenantAsync());

        using var response = await Http.SendAsync(TestApi.Authorized(HttpMethod.Post, "/api/agents", admin,
            JsonNode.Parse("""{"name":"X","oasfSkills":[{"id":"five hundred"}]}""")));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task A_profile_value_of_the_wrong_type_is_named_by_its_path()
    {
        var admin = await Http.AdminTokenAsync(await Http.CreateTenantAsync());

        using var response = await Http.SendAsync(TestApi.Authorized(HttpMethod.Post, "/api/agents", admin,
            JsonNode.Parse("""{"name":"X","oasfSkills":[{"id":"five hundred"}]}""")));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.NotNull(JsonNode.Parse(await response.Content.ReadAsStringAsync())!["errors"]!["oasfSkills[0].id"]);
    }
}
