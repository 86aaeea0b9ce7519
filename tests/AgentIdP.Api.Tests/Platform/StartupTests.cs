using System.Net;
using System.Text.Json;
using AgentIdP.TestSupport;
using Microsoft.Extensions.Options;

namespace AgentIdP.Api.Tests.Platform;

public sealed class StartupTests
{
    [Theory]
    [InlineData("Identity:Issuer", "not a url")]
    [InlineData("Identity:Issuer", "ftp://idp.example.com")]
    [InlineData("Identity:AccessTokenLifetimeSeconds", "5")]
    public async Task A_misconfigured_option_stops_the_api_at_startup_naming_the_key(string key, string value)
    {
        await using var factory = await ApiFactory.CreateAsync();
        factory.Settings[key] = value;

        var error = Assert.Throws<OptionsValidationException>(() => factory.CreateClient());

        Assert.Contains(key, error.Message);
    }

    [Fact]
    public async Task A_feature_flag_that_is_not_a_boolean_stops_the_api_at_startup_naming_the_key()
    {
        await using var factory = await ApiFactory.CreateAsync();
        factory.Settings[Api.Platform.FeatureFlags.AnalyticsKey] = "maybe";

        var error = Assert.ThrowsAny<InvalidOperationException>(() => factory.CreateClient());

        Assert.Contains(Api.Platform.FeatureFlags.AnalyticsKey, error.ToString());
    }

    [Fact]
    public async Task Health_reports_each_dependency_in_a_json_body()
    {
        await using var factory = await ApiFactory.CreateAsync();
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/health");
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Healthy", body.RootElement.GetProperty("status").GetString());
        var checks = body.RootElement.GetProperty("checks").EnumerateObject().Select(c => c.Name).ToList();
        Assert.Contains("PostgreSql", checks);
        Assert.Contains("redis", checks);
        Assert.Contains("tier-enforcement", checks);
    }

    [Fact]
    public async Task Unknown_routes_answer_problem_details()
    {
        await using var factory = await ApiFactory.CreateAsync();
        using var client = factory.CreateClient();

        using var response = await client.GetAsync("/no/such/route");

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task The_openapi_document_and_the_interactive_reference_are_served()
    {
        await using var factory = await ApiFactory.CreateAsync();
        using var client = factory.CreateClient();

        using var doc = JsonDocument.Parse(await client.GetStringAsync("/openapi/v1.json"));
        var page = await client.GetStringAsync("/scalar/v1");

        Assert.Equal("AgentIdP API", doc.RootElement.GetProperty("info").GetProperty("title").GetString());
        Assert.Contains("AgentIdP API reference", page);
    }
}
