using System.Text;
using AgentIdP.Portal.SignIn;
using Microsoft.Extensions.Time.Testing;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AgentIdP.Portal.Tests.SignIn;

/// <summary>Server-side sessions, seen from the browser: what the cookie holds and what makes it stop working.</summary>
[Collection(PortalCollection.Name)]
public sealed class SessionTests(PortalFixture fixture)
{
    [Fact]
    public async Task A_copied_session_cookie_is_sent_to_sign_in_once_its_owner_has_signed_out()
    {
        var admin = await fixture.Api.CreateTenantAsync();
        await using var owner = await fixture.NewSessionAsync();
        await owner.SignInAsync(admin);
        var copied = (await owner.SessionCookieAsync())!;

        await owner.Page.GetByRole(AriaRole.Button, new() { Name = "Sign out" }).ClickAsync();
        await Expect(owner.Page.Locator("#signin-reason")).ToContainTextAsync("signed out");

        await using var thief = await fixture.NewSessionAsync();
        await thief.Context.AddCookiesAsync([copied]);
        await thief.Page.GotoAsync(PortalRoutes.Agents);

        Assert.Contains(PortalRoutes.SignIn, thief.Page.Url);
        await Expect(thief.Page.Locator("#signin-reason")).ToContainTextAsync("Your session has ended");
        await Expect(thief.Page.Locator("#tenant-name")).ToHaveCountAsync(0);
        Assert.False(await SessionCookie.InRedisAsync(fixture.Portal, SessionCookie.SessionId(fixture.Portal, copied.Value)));
    }

    [Fact]
    public async Task The_session_cookie_holds_a_session_id_and_the_tenant_but_neither_the_secret_nor_the_access_token()
    {
        var admin = await fixture.Api.CreateTenantAsync();
        await using var browser = await fixture.NewSessionAsync();
        await browser.SignInAsync(admin);
        var cookie = (await browser.SessionCookieAsync())!;

        var plaintext = Encoding.UTF8.GetString(SessionCookie.Plaintext(fixture.Portal, cookie.Value));
        var session = (await SessionCookie.SessionAsync(fixture.Portal, cookie.Value))!;

        Assert.DoesNotContain(admin.ClientSecret, plaintext);
        Assert.DoesNotContain(session.AccessToken, plaintext);
        Assert.Contains(session.Id, plaintext);
        var claims = SessionCookie.Ticket(fixture.Portal, cookie.Value).Principal.Claims.Select(c => c.Type).Order().ToArray();
        Assert.Equal(new[] { PortalClaims.SessionId, PortalClaims.TenantId, PortalClaims.TenantName }.Order(), claims);
        Assert.Equal(admin.TenantName, session.TenantName);
    }

    [Fact]
    public async Task Signing_in_again_replaces_the_session_with_a_new_one()
    {
        var admin = await fixture.Api.CreateTenantAsync();
        await using var browser = await fixture.NewSessionAsync();
        await browser.SignInAsync(admin);
        var first = SessionCookie.SessionId(fixture.Portal, (await browser.SessionCookieAsync())!.Value);

        await browser.SignInAsync(admin);
        var second = SessionCookie.SessionId(fixture.Portal, (await browser.SessionCookieAsync())!.Value);

        Assert.NotEqual(first, second);
        Assert.False(await SessionCookie.InRedisAsync(fixture.Portal, first));
        Assert.True(await SessionCookie.InRedisAsync(fixture.Portal, second));
        await Expect(browser.Page.Locator("#tenant-name")).ToHaveTextAsync(admin.TenantName);
    }

    [Fact]
    public async Task The_session_cookie_is_secure_http_only_and_same_site_lax()
    {
        var admin = await fixture.Api.CreateTenantAsync();
        await using var browser = await fixture.NewSessionAsync();
        await browser.SignInAsync(admin);

        var cookie = (await browser.SessionCookieAsync())!;

        Assert.True(cookie.Secure);
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Lax, cookie.SameSite);
    }

    [Fact]
    public async Task A_session_left_unused_past_the_idle_timeout_sends_the_browser_to_sign_in()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var portal = fixture.StartPortal(new() { ["Portal:Sessions:IdleTimeout"] = "00:10:00" }, clock);
        var admin = await fixture.Api.CreateTenantAsync();
        await using var browser = await fixture.NewSessionAsync(ServerAddress.Of(portal.Services));
        await browser.SignInAsync(admin);
        var sessionId = SessionCookie.SessionId(portal, (await browser.SessionCookieAsync())!.Value);

        // Used within the timeout, the session goes on, however long it lasts in total.
        clock.Advance(TimeSpan.FromMinutes(9));
        await browser.Page.GotoAsync(PortalRoutes.Agents);
        await Expect(browser.Page.Locator("#tenant-name")).ToHaveTextAsync(admin.TenantName);
        clock.Advance(TimeSpan.FromMinutes(9));
        await browser.Page.GotoAsync(PortalRoutes.Agents);
        await Expect(browser.Page.Locator("#tenant-name")).ToHaveTextAsync(admin.TenantName);

        clock.Advance(TimeSpan.FromMinutes(11));
        await browser.Page.GotoAsync(PortalRoutes.Agents);

        Assert.Contains(PortalRoutes.SignIn, browser.Page.Url);
        await Expect(browser.Page.Locator("#signin-reason")).ToContainTextAsync("Your session has ended");
        Assert.False(await SessionCookie.InRedisAsync(portal, sessionId));
    }

    [Fact]
    public async Task A_session_outlives_its_first_access_token_by_renewing_it_with_the_stored_credentials()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var portal = fixture.StartPortal([], clock);
        var admin = await fixture.Api.CreateTenantAsync();
        await using var browser = await fixture.NewSessionAsync(ServerAddress.Of(portal.Services));
        await browser.SignInAsync(admin);
        var cookie = (await browser.SessionCookieAsync())!.Value;
        var first = (await SessionCookie.SessionAsync(portal, cookie))!;

        // Three hours of steady use, with a page every 20 minutes: well past the API's one-hour tokens.
        for (var used = TimeSpan.Zero; used < TimeSpan.FromHours(3); used += TimeSpan.FromMinutes(20))
        {
            clock.Advance(TimeSpan.FromMinutes(20));
            await browser.Page.GotoAsync(PortalRoutes.Agents);
            await Expect(browser.Page.Locator("#tenant-name")).ToHaveTextAsync(admin.TenantName);
        }

        var now = (await SessionCookie.SessionAsync(portal, cookie))!;
        Assert.Equal(first.Id, now.Id);
        Assert.NotEqual(first.AccessToken, now.AccessToken);
        Assert.True(now.TokenExpiresAt > clock.GetUtcNow());
        Assert.True(await fixture.Api.IsActiveAsync(admin, now.AccessToken));
    }

    [Fact]
    public async Task A_session_whose_renewal_the_api_refuses_ends_and_asks_to_sign_in_again()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var portal = fixture.StartPortal(new() { ["Portal:Sessions:IdleTimeout"] = "02:00:00" }, clock);
        var admin = await fixture.Api.CreateTenantAsync();
        await using var browser = await fixture.NewSessionAsync(ServerAddress.Of(portal.Services));
        await browser.SignInAsync(admin);
        var sessionId = SessionCookie.SessionId(portal, (await browser.SessionCookieAsync())!.Value);

        // The admin's secret is replaced with no grace period; the session's token is due for renewal on the next page.
        await fixture.Api.RotateAdminSecretAsync(admin);
        clock.Advance(TimeSpan.FromMinutes(59) + TimeSpan.FromSeconds(30));
        await browser.Page.GotoAsync(PortalRoutes.Agents);

        Assert.Contains(PortalRoutes.SignIn, browser.Page.Url);
        await Expect(browser.Page.Locator("#signin-reason")).ToContainTextAsync("no longer accepts");
        Assert.False(await SessionCookie.InRedisAsync(portal, sessionId));
        Assert.Null(await browser.SessionCookieAsync());
    }

    [Fact]
    public async Task Rotating_the_admin_secret_with_token_revocation_through_the_api_sends_the_signed_in_admin_to_sign_in()
    {
        var admin = await fixture.Api.CreateTenantAsync();
        await using var browser = await fixture.NewSessionAsync();
        await browser.SignInAsync(admin);
        var session = (await SessionCookie.SessionAsync(fixture.Portal, (await browser.SessionCookieAsync())!.Value))!;

        var newSecret = await fixture.Api.RotateAdminSecretAndRevokeTokensAsync(admin);
        await browser.Page.GotoAsync(PortalRoutes.Agents);

        Assert.Contains(PortalRoutes.SignIn, browser.Page.Url);
        await Expect(browser.Page.Locator("#signin-reason")).ToContainTextAsync("no longer accepts");
        Assert.False(await SessionCookie.InRedisAsync(fixture.Portal, session.Id));
        // The new secret signs in again, to the page the admin was on.
        await browser.Page.GetByLabel("Client ID").FillAsync(admin.ClientId);
        await browser.Page.GetByLabel("Client secret").FillAsync(newSecret);
        await browser.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Expect(browser.Page.Locator("#tenant-name")).ToHaveTextAsync(admin.TenantName);
    }

    [Fact]
    public async Task Static_files_and_health_checks_neither_read_nor_refresh_the_session()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var portal = fixture.StartPortal([], clock);
        var admin = await fixture.Api.CreateTenantAsync();
        await using var browser = await fixture.NewSessionAsync(ServerAddress.Of(portal.Services));
        await browser.SignInAsync(admin);
        var sessionId = SessionCookie.SessionId(portal, (await browser.SessionCookieAsync())!.Value);
        var before = await SessionCookie.StoredAsync(portal, sessionId);

        clock.Advance(TimeSpan.FromMinutes(5));
        foreach (var path in new[] { "/css/site.css", "/js/analytics.js" })
        {
            var response = await browser.Context.APIRequest.GetAsync(path);
            Assert.True(response.Ok, $"{path} answered {response.Status}");
        }
        // Their status is the health report's business; what matters here is that the cookie sent with them is not used.
        await browser.Context.APIRequest.GetAsync("/health");
        await browser.Context.APIRequest.GetAsync("/alive");

        Assert.Equal(before, await SessionCookie.StoredAsync(portal, sessionId));
        // A page, by contrast, marks the session as used.
        await browser.Page.GotoAsync(PortalRoutes.Agents);
        Assert.NotEqual(before, await SessionCookie.StoredAsync(portal, sessionId));
    }

    [Fact]
    public async Task Without_redis_nobody_can_sign_in_and_a_signed_in_admin_gets_a_503_page_that_keeps_the_session()
    {
        var admin = await fixture.Api.CreateTenantAsync();
        await using var portal = fixture.StartPortal(new() { [$"ConnectionStrings:{ResourceNames.Cache}"] = $"127.0.0.1:{ClosedPort()}" });
        var cutOff = ServerAddress.Of(portal.Services);
        await using var browser = await fixture.NewSessionAsync();

        // A portal that has never reached Redis has no key ring either (it lives there), so not even the sign-in form,
        // whose antiforgery token needs it, can be made: the page says why.
        var signIn = await browser.Page.GotoAsync(new Uri(cutOff, PortalRoutes.SignIn).ToString());
        Assert.Equal(503, signIn!.Status);
        await Expect(browser.Page.Locator("h1")).ToHaveTextAsync("Sessions are unavailable");
        Assert.Null(await browser.SessionCookieAsync());

        // Signed in on the portal that reaches Redis, the same cookie is refused, not ended, where Redis is out of reach.
        await browser.SignInAsync(admin);
        var response = await browser.Page.GotoAsync(new Uri(cutOff, PortalRoutes.Agents).ToString());

        Assert.Equal(503, response!.Status);
        await Expect(browser.Page.Locator("h1")).ToHaveTextAsync("Sessions are unavailable");
        await browser.Page.GotoAsync(PortalRoutes.Agents);
        await Expect(browser.Page.Locator("#tenant-name")).ToHaveTextAsync(admin.TenantName);
    }

    private static int ClosedPort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
