using AgentIdP.TestSupport;
using Microsoft.Playwright;

namespace AgentIdP.Portal.Tests;

/// <summary>
/// The real API and the real portal, both on Kestrel on loopback ports, and one headless Chromium: started once for
/// every test in <see cref="PortalCollection"/>. Tests stay apart by using a fresh tenant each.
/// </summary>
public sealed class PortalFixture : IAsyncLifetime
{
    private ApiFactory? _api;
    private FakeStripe? _stripe;
    private PortalFactory? _portal;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>The seeded demo tenant's admin (<c>DEMO_SEED=true</c>).</summary>
    public static readonly TenantAdmin DemoAdmin =
        new(global::AgentIdP.Api.Demo.DemoSeed.TenantId, "Demo Tenant", global::AgentIdP.Api.Demo.DemoSeed.AdminClientId, "demo-admin-secret-for-portal-tests-0123456789");

    public Uri ApiUrl { get; private set; } = null!;
    public Uri PortalUrl { get; private set; } = null!;
    public ApiDriver Api { get; private set; } = null!;
    public PortalFactory Portal => _portal ?? throw new InvalidOperationException("The fixture has not started.");
    public FakeStripe Stripe => _stripe ?? throw new InvalidOperationException("The fixture has not started.");

    public async Task InitializeAsync()
    {
        _stripe = await FakeStripe.StartAsync();
        _api = await ApiFactory.CreateAsync();
        _stripe.Configure(_api);
        // The demo tenant, with its weeks of analytics, for the pages that show data the tests cannot make quickly.
        _api.Settings[global::AgentIdP.Api.Platform.FeatureFlags.DemoSeedKey] = "true";
        _api.Settings["Demo:AdminSecret"] = DemoAdmin.ClientSecret;
        // As the AppHost runs it: tier limits enforced, so the portal meets real 429s.
        _api.Settings["TIER_ENFORCEMENT"] = "true";
        _api.UseKestrel(0);
        _api.StartServer();
        ApiUrl = ServerAddress.Of(_api.Services);
        Api = new ApiDriver(ApiUrl);

        _portal = new PortalFactory(ApiUrl, (await Servers.SharedAsync()).RedisConnectionString);
        _portal.UseKestrel(0);
        _portal.StartServer();
        PortalUrl = ServerAddress.Of(_portal.Services);

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium.ExecutablePath(),
            Args = Chromium.Arguments,
        });
    }

    /// <summary>A browser context of its own (cookies included) with the portal as base URL.</summary>
    public async Task<BrowserSession> NewSessionAsync()
    {
        var context = await (_browser ?? throw new InvalidOperationException("The fixture has not started."))
            .NewContextAsync(new BrowserNewContextOptions { BaseURL = PortalUrl.ToString() });
        // Generous: a CI machine runs several test projects at once on two cores; a real failure still fails.
        context.SetDefaultTimeout(60_000);
        context.SetDefaultNavigationTimeout(60_000);
        Assertions.SetDefaultExpectTimeout(30_000);
        return new BrowserSession(context, await context.NewPageAsync());
    }

    /// <summary>A client of the portal that neither follows redirects nor keeps cookies, to see each answer as sent.</summary>
    public HttpClient PortalClient() => new(new HttpClientHandler { AllowAutoRedirect = false, UseCookies = false }) { BaseAddress = PortalUrl };

    public async Task DisposeAsync()
    {
        if (_browser is not null) await _browser.DisposeAsync();
        _playwright?.Dispose();
        if (_portal is not null) await _portal.DisposeAsync();
        if (_api is not null) await _api.DisposeAsync();
        if (_stripe is not null) await _stripe.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class PortalCollection : ICollectionFixture<PortalFixture>
{
    public const string Name = "Portal against the real API";
}
