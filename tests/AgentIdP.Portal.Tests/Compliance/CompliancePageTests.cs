using System.Text.Json.Nodes;
using AgentIdP.Api.Compliance;
using AgentIdP.Api.Demo;
using AgentIdP.TestSupport;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AgentIdP.Portal.Tests.Compliance;

[Collection(PortalCollection.Name)]
public sealed class CompliancePageTests(PortalFixture fixture)
{
    [Fact]
    public async Task The_compliance_page_shows_the_level_counts_and_explained_failures_and_downloads_a_valid_card()
    {
        var admin = await fixture.Api.CreateTenantAsync();
        using var http = new HttpClient { BaseAddress = fixture.ApiUrl };
        var token = await http.TokenAsync(admin.ClientId, admin.ClientSecret);
        // The demo tenant's agents, plus one that has no profile yet.
        foreach (var agent in DemoAgents.All) await http.CreateAgentAsync(token, agent);
        var bare = await http.CreateAgentAsync(token, new { name = "Bare Agent" });
        await using var browser = await fixture.NewSessionAsync();
        await browser.SignInAsync(admin);

        await browser.Page.GetByRole(AriaRole.Link, new() { Name = "Compliance", Exact = true }).ClickAsync();

        var page = browser.Page;
        await Expect(page).ToHaveURLAsync(new System.Text.RegularExpressions.Regex("/compliance$"));
        await Expect(page.Locator("#compliance-level")).ToHaveAttributeAsync("data-level", "NON_COMPLIANT");
        await Expect(page.Locator("#level-counts tr[data-level=MUST] td[data-status=fail]")).ToHaveTextAsync("2");
        await Expect(page.Locator("#agent-checks > tbody > tr")).ToHaveCountAsync(DemoAgents.All.Length + 1);
        var bareRow = page.Locator($"#agent-checks > tbody > tr[data-agent='{bare.AgentId}']");
        await Expect(bareRow.Locator("li.check[data-check='AGT-CARD-001']")).ToContainTextAsync("declares no A2A interface");
        await Expect(bareRow.Locator("li.check[data-check='AGT-REC-001']")).ToContainTextAsync("no OASF skill");
        var invoiceRow = page.Locator("#agent-checks > tbody > tr", new() { HasText = "Invoice Agent" });
        await Expect(invoiceRow).ToContainTextAsync("All 14 checks pass or do not apply.");
        await Expect(page.Locator("#audit-chain")).ToContainTextAsync("events verified");

        var download = await page.RunAndWaitForDownloadAsync(() => invoiceRow.Locator("a.download-card").ClickAsync());
        var card = JsonNode.Parse(await File.ReadAllTextAsync((await download.PathAsync())!))!.AsObject();
        Assert.StartsWith("agent-card-", download.SuggestedFilename);
        Assert.Equal("Invoice Agent", card["name"]!.GetValue<string>());
        Assert.Empty(PinnedSchemas.ValidateCard(card));

        var signed = await page.RunAndWaitForDownloadAsync(() => page.Locator("#download-signed-report").ClickAsync());
        Assert.Equal("compliance-report.jws", signed.SuggestedFilename);
        Assert.Equal(3, (await File.ReadAllTextAsync((await signed.PathAsync())!)).Split('.').Length);
    }

    [Fact]
    public async Task A_card_download_for_an_agent_without_a_card_shows_what_is_missing_instead()
    {
        var admin = await fixture.Api.CreateTenantAsync();
        var bare = await fixture.Api.CreateAgentAsync(admin, "Bare Agent");
        await using var browser = await fixture.NewSessionAsync();
        await browser.SignInAsync(admin);

        await browser.Page.GotoAsync($"{PortalRoutes.Compliance}?handler=Download&document=card&agent={bare.Agent.Id}");

        await Expect(browser.Page.Locator(".problem")).ToContainTextAsync("supportedInterfaces");
        await Expect(browser.Page.Locator("#compliance-level")).ToHaveAttributeAsync("data-level", "NON_COMPLIANT");
    }
}
