using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AgentIdP.Portal.Tests.Agents;

[Collection(PortalCollection.Name)]
public sealed class AgentDetailTests(PortalFixture fixture)
{
    [Fact]
    public async Task Agent_detail_shows_the_metadata_and_the_pretty_printed_did_document()
    {
        var admin = await fixture.Api.CreateTenantAsync();
        var agent = (await fixture.Api.CreateAgentAsync(admin, "Detail bot")).Agent;
        await using var browser = await fixture.NewSessionAsync();
        await browser.SignInAsync(admin);

        await browser.AgentRow("Detail bot").GetByRole(AriaRole.Link, new() { Name = "Details" }).ClickAsync();

        Assert.EndsWith(PortalRoutes.Agent(agent.Id), browser.Page.Url);
        await Expect(browser.Page.Locator("h1")).ToContainTextAsync("Detail bot");
        await Expect(browser.Page.Locator("#agent-client-id")).ToHaveTextAsync(agent.ClientId);
        await Expect(browser.Page.Locator("#agent-did")).ToHaveTextAsync(agent.Did!);
        var document = await browser.Page.Locator("#did-document-json").InnerTextAsync();
        Assert.Contains("\n  \"id\"", document);
        Assert.Equal(agent.Did, JsonDocument.Parse(document).RootElement.GetProperty("id").GetString());
    }

    [Fact]
    public async Task An_unknown_agent_id_shows_agent_not_found_with_status_404()
    {
        var admin = await fixture.Api.CreateTenantAsync();
        await using var browser = await fixture.NewSessionAsync();
        await browser.SignInAsync(admin);

        var response = await browser.Page.GotoAsync(PortalRoutes.Agent(Guid.NewGuid()));

        Assert.Equal(404, response!.Status);
        await Expect(browser.Page.Locator("#agent-not-found h1")).ToHaveTextAsync("Agent not found");
    }

    [Fact]
    public async Task Another_tenants_agent_is_not_found()
    {
        var owner = await fixture.Api.CreateTenantAsync();
        var agent = (await fixture.Api.CreateAgentAsync(owner, "Private bot")).Agent;
        var stranger = await fixture.Api.CreateTenantAsync();
        await using var browser = await fixture.NewSessionAsync();
        await browser.SignInAsync(stranger);

        var response = await browser.Page.GotoAsync(PortalRoutes.Agent(agent.Id));

        Assert.Equal(404, response!.Status);
        Assert.DoesNotContain("Private bot", await browser.Page.ContentAsync());
    }

    [Fact]
    public async Task Rotating_on_the_detail_page_shows_the_new_secret_once()
    {
        var admin = await fixture.Api.CreateTenantAsync();
        var agent = await fixture.Api.CreateAgentAsync(admin, "Detail rotator");
        await using var browser = await fixture.NewSessionAsync();
        await browser.SignInAsync(admin);
        await browser.Page.GotoAsync(PortalRoutes.Agent(agent.Agent.Id));

        await browser.Page.GetByRole(AriaRole.Button, new() { Name = "Rotate secret" }).ClickAsync();

        var secret = await browser.Page.Locator("#one-time-secret-value").InnerTextAsync();
        Assert.NotEmpty(await fixture.Api.TokenAsync(agent.Agent.ClientId, secret));
        await Expect(browser.Page.Locator("#previous-secret-expiry")).ToBeVisibleAsync();
    }

    [Fact]
    public async Task Rotate_and_end_all_tokens_ends_the_agents_earlier_token_and_shows_a_new_secret_that_works()
    {
        var admin = await fixture.Api.CreateTenantAsync();
        var agent = await fixture.Api.CreateAgentAsync(admin, "Leaked agent");
        var earlierToken = await fixture.Api.TokenAsync(agent.Agent.ClientId, agent.ClientSecret);
        Assert.True(await fixture.Api.IsActiveAsync(admin, earlierToken));
        await using var browser = await fixture.NewSessionAsync();
        await browser.SignInAsync(admin);
        await browser.Page.GotoAsync(PortalRoutes.Agent(agent.Agent.Id));

        await browser.Page.GetByText("Rotate and end all tokens…").ClickAsync();
        await Expect(browser.Page.Locator("#rotate-and-revoke")).ToContainTextAsync("every access token issued to this agent");
        await browser.Page.GetByRole(AriaRole.Button, new() { Name = "Rotate and end all tokens" }).ClickAsync();

        await Expect(browser.Page.Locator("#tokens-revoked")).ToContainTextAsync("every access token issued to this agent before now has been ended");
        await Expect(browser.Page.Locator("#previous-secret-expiry")).ToHaveCountAsync(0);
        var secret = await browser.Page.Locator("#one-time-secret-value").InnerTextAsync();
        Assert.False(await fixture.Api.IsActiveAsync(admin, earlierToken));
        Assert.True(await fixture.Api.IsActiveAsync(admin, await fixture.Api.TokenAsync(agent.Agent.ClientId, secret)));
        await Assert.ThrowsAsync<InvalidOperationException>(() => fixture.Api.TokenAsync(agent.Agent.ClientId, agent.ClientSecret));
    }

    [Fact]
    public async Task Deleting_an_agent_after_confirming_removes_it_from_the_list()
    {
        var admin = await fixture.Api.CreateTenantAsync();
        var agent = await fixture.Api.CreateAgentAsync(admin, "Doomed bot");
        await using var browser = await fixture.NewSessionAsync();
        await browser.SignInAsync(admin);
        await browser.Page.GotoAsync(PortalRoutes.Agent(agent.Agent.Id));

        await Expect(browser.Page.GetByRole(AriaRole.Button, new() { Name = "Yes, delete" })).ToBeHiddenAsync();
        await browser.Page.GetByText("Delete this agent…").ClickAsync();
        await browser.Page.GetByRole(AriaRole.Button, new() { Name = "Yes, delete" }).ClickAsync();

        Assert.EndsWith(PortalRoutes.Agents, browser.Page.Url);
        await Expect(browser.Page.Locator("#notice")).ToContainTextAsync("Doomed bot");
        await Expect(browser.AgentRow("Doomed bot")).ToHaveCountAsync(0);
        var response = await browser.Page.GotoAsync(PortalRoutes.Agent(agent.Agent.Id));
        Assert.Equal(404, response!.Status);
    }
}
