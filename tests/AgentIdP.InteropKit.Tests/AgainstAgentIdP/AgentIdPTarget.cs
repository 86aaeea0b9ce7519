using System.Security.Cryptography;
using AgentIdP.InteropKit.Running;
using AgentIdP.TestSupport;

namespace AgentIdP.InteropKit.Tests.AgainstAgentIdP;

/// <summary>
/// AgentIdP's own API on real Kestrel, with its issuer set to the address it listens on (so discovery, tokens and
/// DIDs name URLs the kit can reach), tier limits enforced, and tenants with agents created through the API.
/// One per test collection.
/// </summary>
public sealed class AgentIdPTarget : IAsyncLifetime
{
    private const int AgentsPerTenant = 2;
    private ApiFactory? _api;
    private Task<TestApi.TenantCredentials>? _scenarioTenant;
    private Task<KitRun>? _fullRun;

    public Uri BaseUrl { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        var port = ServerProcess.FreePort();
        BaseUrl = new Uri($"http://127.0.0.1:{port}");
        _api = await ApiFactory.CreateAsync();
        _api.Settings["Identity:Issuer"] = BaseUrl.AbsoluteUri.TrimEnd('/');
        // Tier limits enforced, as in production, so the rate-limit scenarios meet real 429s.
        _api.Settings["TIER_ENFORCEMENT"] = "true";
        _api.UseKestrel(port);
        _api.StartServer();
    }

    public HttpClient Client() => new() { BaseAddress = BaseUrl };

    /// <summary>The kit's command line run once against a tenant of its own, as a partner would run it; tests read its outputs.</summary>
    public Task<KitRun> FullRun => _fullRun ??= StartFullRunAsync();

    private async Task<KitRun> StartFullRunAsync()
    {
        var tenant = await NewTenantAsync("Kit full run");
        return await KitRun.StartAsync("--base-url", BaseUrl.AbsoluteUri, "--client-id", tenant.ClientId, "--client-secret", tenant.ClientSecret);
    }

    /// <summary>The tenant the one-case-per-scenario tests share.</summary>
    public Task<TestApi.TenantCredentials> ScenarioTenant => _scenarioTenant ??= NewTenantAsync("Kit scenarios");

    /// <summary>A tenant with agents as a partner would register them: a public key (for the DID document) and a full profile (for the card and record).</summary>
    public async Task<TestApi.TenantCredentials> NewTenantAsync(string name)
    {
        using var http = Client();
        var tenant = await http.CreateTenantAsync(name);
        var admin = await http.AdminTokenAsync(tenant);
        for (var i = 1; i <= AgentsPerTenant; i++) await http.CreateAgentAsync(admin, Agent($"{name} agent {i}", $"key-{i}"));
        return tenant;
    }

    private static object Agent(string name, string kid) => new
    {
        name,
        description = "Sorts support tickets and summarizes them.",
        scopes = new[] { "a2a:invoke" },
        jwks = PublicJwks(kid),
        version = "2.1.0",
        provider = new { organization = "Example Partner", url = "https://partner.example" },
        interfaces = new[] { new { url = "https://agents.partner.example/triage/a2a", protocolBinding = "JSONRPC" } },
        skills = new[] { new { id = "triage", name = "Triage tickets", description = "Classifies a support ticket.", tags = new[] { "support" } } },
        oasfSkills = new[] { new { id = 109, name = "natural_language_processing/text_classification" } },
        oasfDomains = new[] { new { id = 102, name = "technology/software_engineering" } },
        defaultInputModes = new[] { "text/plain" },
        defaultOutputModes = new[] { "application/json" },
    };

    public KitOptions Options(TestApi.TenantCredentials tenant) => new()
    {
        BaseUrl = BaseUrl, ClientId = tenant.ClientId, ClientSecret = tenant.ClientSecret, OutDir = null,
    };

    /// <summary>Runs one scenario of the kit, the way one xunit case per scenario does.</summary>
    public async Task<ScenarioResult> RunScenarioAsync(TestApi.TenantCredentials tenant, string key)
    {
        var report = await KitRunner.RunAsync(Options(tenant) with { Only = s => s.Key == key });
        return Assert.Single(report.Results);
    }

    private static object PublicJwks(string kid)
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var p = key.ExportParameters(includePrivateParameters: false);
        return new
        {
            keys = new[] { new { kty = "EC", crv = "P-256", kid, use = "sig", alg = "ES256", x = Base64Url(p.Q.X!), y = Base64Url(p.Q.Y!) } },
        };
    }

    private static string Base64Url(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);

    public async Task DisposeAsync()
    {
        if (_api is not null) await _api.DisposeAsync();
        if (_fullRun is { IsCompletedSuccessfully: true }) Directory.Delete(_fullRun.Result.OutDir, recursive: true);
    }
}

[CollectionDefinition(Name)]
public sealed class AgentIdPCollection : ICollectionFixture<AgentIdPTarget>
{
    public const string Name = "Kit against AgentIdP";
}
