using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AgentIdP.Portal.Tests.Agents;

[Collection(PortalCollection.Name)]
public sealed class AgentsPageTests(PortalFixture fixture)
{
    [Fact]
    public async Task Tenant_admin_signs_in_creates_an_agent_and_sees_it_listed_with_its_one_time_secret()
    {
        var admin = await fixture.Api.CreateTenantAsync();
        await using var browser = await fixture.NewSessionAsync();
        await browser.SignInAsync(admin);

        await browser.CreateAgentAsync("Billing bot", "a2a:invoke billing:read");

        var row = browser.AgentRow("Billing bot");
        await Expect(row).ToHaveCountAsync(1);
        await Expect(row.Locator(".status")).ToHaveTextAsync("active");
        await Expect(row).ToContainTextAsync("billing:read");
        var box = browser.Page.Locator("#one-time-secret");
        await Expect(box).ToContainTextAsync("store it now; it cannot be shown again", new() { IgnoreCase = true });
        var clientId = await browser.Page.Locator("#one-time-client-id").InnerTextAsync();
        var secret = await browser.Page.Locator("#one-time-secret-value").InnerTextAsync();
        Assert.Equal(clientId, await row.GetAttributeAsync("data-client-id"));
        Assert.DoesNotContain(secret, browser.Page.Url);
        Assert.NotEmpty(await fixture.Api.TokenAsync(clientId, secret));

        await browser.Page.ReloadAsync();
        await Expect(browser.Page.Locator("#one-time-secret")).ToHaveCountAsync(0);
        Assert.DoesNotContain(secret, await browser.Page.ContentAsync());
    }

    [Fact]
    public async Task Rotating_a_secret_shows_the_new_secret_once_with_the_old_secrets_grace_expiry()
    {
        var admin = await fixture.Api.CreateTenantAsync();
        var agent = await fixture.Api.CreateAgentAsync(admin, "Rotating bot");
        await using var browser = await fixture.NewSessionAsync();
        await browser.SignInAsync(admin);

        await browser.AgentRow("Rotating bot").GetByRole(AriaRole.Button, new() { Name = "Rotate secret" }).ClickAsync();

        await Expect(browser.Page.Locator("#one-time-secret")).ToContainTextAsync("Rotating bot");
        await Expect(browser.Page.Locator("#previous-secret-expiry")).ToContainTextAsync("UTC");
        var secret = await browser.Page.Locator("#one-time-secret-value").InnerTextAsync();
        Assert.NotEqual(agent.ClientSecret, secret);
        Assert.NotEmpty(await fixture.Api.TokenAsync(agent.Agent.ClientId, secret));
        await browser.Page.ReloadAsync();
        await Expect(browser.Page.Locator("#one-time-secret")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task Disabling_and_enabling_an_agent_changes_its_status_badge()
    {
        var admin = await fixture.Api.CreateTenantAsync();
        await fixture.Api.CreateAgentAsync(admin, "Switch bot");
        await using var browser = await fixture.NewSessionAsync();
        await browser.SignInAsync(admin);
        var row = browser.AgentRow("Switch bot");

        await row.GetByRole(AriaRole.Button, new() { Name = "Disable" }).ClickAsync();
        await Expect(row.Locator(".status")).ToHaveTextAsync("disabled");
        await Expect(browser.Page.Locator("#notice")).ToContainTextAsync("disabled");

        await row.GetByRole(AriaRole.Button, new() { Name = "Enable" }).ClickAsync();
        await Expect(row.Locator(".status")).ToHaveTextAsync("active");
    }

    [Fact]
    public async Task The_agents_list_pages_through_the_tenants_agents()
    {
        var admin = await fixture.Api.CreateTenantAsync();
        foreach (var name in new[] { "Agent one", "Agent two", "Agent three" }) await fixture.Api.CreateAgentAsync(admin, name);
        await using var browser = await fixture.NewSessionAsync();
        await browser.SignInAsync(admin);

        await browser.Page.GotoAsync(PortalRoutes.AgentsPage(1, 2));
        await Expect(browser.Page.Locator("#page-position")).ToHaveTextAsync("Page 1 of 2");
        await Expect(browser.Page.Locator("#agents-table tbody tr")).ToHaveCountAsync(2);

        await browser.Page.GetByRole(AriaRole.Link, new() { Name = "Next" }).ClickAsync();
        await Expect(browser.Page.Locator("#page-position")).ToHaveTextAsync("Page 2 of 2");
        await Expect(browser.Page.Locator("#agents-table tbody tr")).ToHaveCountAsync(1);
        await Expect(browser.Page.GetByRole(AriaRole.Link, new() { Name = "Next" })).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task An_action_on_an_agent_deleted_meanwhile_shows_the_api_problem_in_the_error_box()
    {
        var admin = await fixture.Api.CreateTenantAsync();
        var agent = await fixture.Api.CreateAgentAsync(admin, "Vanishing bot");
        await using var browser = await fixture.NewSessionAsync();
        await browser.SignInAsync(admin);

        await fixture.Api.DeleteAgentAsync(admin, agent.Agent.Id);
        await browser.AgentRow("Vanishing bot").GetByRole(AriaRole.Button, new() { Name = "Disable" }).ClickAsync();

        var problem = browser.Page.Locator(".problem[role=alert]");
        await Expect(problem).ToContainTextAsync("No agent with this id exists in your tenant.");
        await Expect(browser.AgentRow("Vanishing bot")).ToHaveCountAsync(0);
    }

    [Fact]
    public async Task A_create_the_api_rejects_shows_its_reason_and_keeps_the_form()
    {
        var admin = await fixture.Api.CreateTenantAsync();
        await using var browser = await fixture.NewSessionAsync();
        await browser.SignInAsync(admin);

        await browser.CreateAgentAsync("Greedy bot", "tenant:admin");

        await Expect(browser.Page.Locator(".problem[role=alert]")).ToContainTextAsync("reserved");
        await Expect(browser.Page.GetByLabel("Name", new() { Exact = true })).ToHaveValueAsync("Greedy bot");
        await Expect(browser.Page.Locator("#agents-empty")).ToBeVisibleAsync();
    }
}
