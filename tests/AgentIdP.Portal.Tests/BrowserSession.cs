using Microsoft.Playwright;

namespace AgentIdP.Portal.Tests;

/// <summary>One test's browser tab, with the steps several tests share.</summary>
public sealed class BrowserSession(IBrowserContext context, IPage page) : IAsyncDisposable
{
    public IPage Page => page;

    public IBrowserContext Context => context;

    /// <summary>The portal's sign-in cookie as the browser holds it, or null when there is none.</summary>
    public async Task<Cookie?> SessionCookieAsync() =>
        (await context.CookiesAsync()).FirstOrDefault(c => c.Name == Portal.SignIn.PortalSignIn.CookieName) is { } c
            ? new Cookie { Name = c.Name, Value = c.Value, Domain = c.Domain, Path = c.Path, Secure = c.Secure, HttpOnly = c.HttpOnly, SameSite = c.SameSite }
            : null;

    public async Task SignInAsync(TenantAdmin admin) => await SignInAsync(admin.ClientId, admin.ClientSecret);

    public async Task SignInAsync(string clientId, string clientSecret, string path = PortalRoutes.SignIn)
    {
        await page.GotoAsync(path);
        await page.GetByLabel("Client ID").FillAsync(clientId);
        await page.GetByLabel("Client secret").FillAsync(clientSecret);
        await page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await page.WaitForLoadStateAsync();
    }

    public async Task CreateAgentAsync(string name, string? scopes = null)
    {
        await page.GotoAsync(PortalRoutes.Agents);
        await page.GetByLabel("Name", new() { Exact = true }).FillAsync(name);
        if (scopes is not null) await page.GetByLabel("Scopes", new() { Exact = true }).FillAsync(scopes);
        await page.GetByRole(AriaRole.Button, new() { Name = "Create agent" }).ClickAsync();
        await page.WaitForLoadStateAsync();
    }

    public ILocator AgentRow(string name) => page.Locator("#agents-table tbody tr", new() { HasText = name });

    public async ValueTask DisposeAsync() => await context.DisposeAsync();
}
