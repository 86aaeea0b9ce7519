using System.Net;
using AgentIdP.Portal.SignIn;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AgentIdP.Portal.Tests.SignIn;

[Collection(PortalCollection.Name)]
public sealed class SignInTests(PortalFixture fixture)
{
    [Fact]
    public async Task Signing_in_with_the_tenant_admin_credentials_shows_the_tenant_name_and_the_empty_agents_list()
    {
        var admin = await fixture.Api.CreateTenantAsync();
        await using var browser = await fixture.NewSessionAsync();

        await browser.SignInAsync(admin);

        Assert.EndsWith(PortalRoutes.Agents, browser.Page.Url);
        await Expect(browser.Page.Locator("#tenant-name")).ToHaveTextAsync(admin.TenantName);
        await Expect(browser.Page.Locator("#agents-empty")).ToContainTextAsync("No agents yet — create your first agent");
        await Expect(browser.Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" })).ToBeVisibleAsync();
    }

    [Fact]
    public async Task A_wrong_secret_shows_the_token_endpoints_error_on_the_sign_in_form()
    {
        var admin = await fixture.Api.CreateTenantAsync();
        await using var browser = await fixture.NewSessionAsync();

        await browser.SignInAsync(admin.ClientId, "not-the-secret");

        Assert.Contains(PortalRoutes.SignIn, browser.Page.Url);
        var error = browser.Page.Locator("#signin-error");
        await Expect(error).ToContainTextAsync("Sign-in failed");
        await Expect(error).ToContainTextAsync(OAuthError.InvalidClient);
        await Expect(browser.Page.GetByLabel("Client ID")).ToHaveValueAsync(admin.ClientId);
        await Expect(browser.Page.GetByLabel("Client secret")).ToHaveValueAsync("");
        Assert.DoesNotContain(await browser.Page.Context.CookiesAsync(), c => c.Name == PortalSignIn.CookieName);
    }

    [Fact]
    public async Task An_unauthenticated_visit_to_agents_redirects_to_sign_in_with_the_return_url()
    {
        using var client = fixture.PortalClient();

        using var response = await client.GetAsync("/agents?page=2");

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var location = response.Headers.Location!.ToString();
        Assert.Contains($"{PortalRoutes.SignIn}?{PortalRoutes.ReturnUrlParameter}=", location);
        Assert.Contains(Uri.EscapeDataString("/agents?page=2"), location);
    }

    [Fact]
    public async Task Signing_in_from_the_redirect_comes_back_to_the_page_asked_for()
    {
        var admin = await fixture.Api.CreateTenantAsync();
        var agent = await fixture.Api.CreateAgentAsync(admin, "Return trip");
        await using var browser = await fixture.NewSessionAsync();

        await browser.Page.GotoAsync(PortalRoutes.Agent(agent.Agent.Id));
        Assert.Contains($"{PortalRoutes.SignIn}?{PortalRoutes.ReturnUrlParameter}=", browser.Page.Url);
        await browser.Page.GetByLabel("Client ID").FillAsync(admin.ClientId);
        await browser.Page.GetByLabel("Client secret").FillAsync(admin.ClientSecret);
        await browser.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();

        await Expect(browser.Page.Locator("#agent-client-id")).ToHaveTextAsync(agent.Agent.ClientId);
    }

    [Fact]
    public async Task Signing_out_ends_the_session()
    {
        var admin = await fixture.Api.CreateTenantAsync();
        await using var browser = await fixture.NewSessionAsync();
        await browser.SignInAsync(admin);

        await browser.Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(browser.Page.Locator("#signin-reason")).ToContainTextAsync("signed out");
        await browser.Page.GotoAsync(PortalRoutes.Agents);

        Assert.Contains(PortalRoutes.SignIn, browser.Page.Url);
    }

    [Fact]
    public async Task When_the_api_refuses_the_sessions_token_the_session_ends_and_sign_in_is_asked_for_again()
    {
        var admin = await fixture.Api.CreateTenantAsync();
        await using var browser = await fixture.NewSessionAsync();
        await browser.SignInAsync(admin);
        var cookie = (await browser.SessionCookieAsync())!;
        var session = (await SessionCookie.SessionAsync(fixture.Portal, cookie.Value))!;

        // What rotating the admin's secret with token revocation does: the old secret and the tokens it got are dead.
        await fixture.Api.RotateAdminSecretAsync(admin);
        await fixture.Api.RevokeAsync(session.AccessToken);
        await browser.Page.GotoAsync("/agents?page=1");

        Assert.Contains(PortalRoutes.SignIn, browser.Page.Url);
        Assert.Contains(Uri.EscapeDataString("/agents?page=1"), browser.Page.Url);
        await Expect(browser.Page.Locator("#signin-reason")).ToContainTextAsync("no longer accepts");
        Assert.False(await SessionCookie.InRedisAsync(fixture.Portal, session.Id));
        Assert.Null(await browser.SessionCookieAsync());

        // A copy of the cookie taken before is refused too: the session it names is gone.
        await using var copy = await fixture.NewSessionAsync();
        await copy.Context.AddCookiesAsync([cookie]);
        await copy.Page.GotoAsync(PortalRoutes.Agents);
        Assert.Contains(PortalRoutes.SignIn, copy.Page.Url);
    }
}
