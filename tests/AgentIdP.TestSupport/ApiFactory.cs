using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace AgentIdP.TestSupport;

/// <summary>
/// The real API in-process against real Postgres and Redis, with its own database. <see cref="Settings"/> adds or
/// overrides configuration (feature flags, clocks) before the host is built.
/// </summary>
public class ApiFactory(string databaseConnectionString, string redisConnectionString) : WebApplicationFactory<Api.Platform.IdentityOptions>
{
    public const string TestIssuer = "http://agentidp.test";
    public const string PlatformAdminClientId = "platform-admin";
    public const string PlatformAdminSecret = "test-platform-admin-secret-0123456789abcdef";
    public const string KeyRingSecret = "test-key-ring-secret-0123456789abcdef0123456789";

    public Dictionary<string, string?> Settings { get; } = new()
    {
        ["Identity:Issuer"] = TestIssuer,
        ["DEMO_SEED"] = "false",
        ["Identity:SecretPepper"] = "test-pepper-0123456789abcdef0123456789abcdef",
        ["DataProtection:KeyRingSecret"] = KeyRingSecret,
        ["Identity:PlatformAdmin:ClientId"] = PlatformAdminClientId,
        ["Identity:PlatformAdmin:ClientSecret"] = PlatformAdminSecret,
    };

    public string DatabaseConnectionString => databaseConnectionString;

    /// <summary>The API's error-level log lines, for a test to print when it fails.</summary>
    public ErrorLog Errors { get; } = new();

    /// <summary>Service replacements applied after the app's own registrations (a fake clock, a fake Stripe).</summary>
    public List<Action<IServiceCollection>> ServiceOverrides { get; } = [];

    /// <summary>Replaces the app's clock: tokens, quotas and caches all read it.</summary>
    public ApiFactory WithClock(TimeProvider clock)
    {
        ServiceOverrides.Add(s => s.AddSingleton(clock));
        return this;
    }

    /// <summary>A factory with a fresh database on the shared servers.</summary>
    public static async Task<ApiFactory> CreateAsync()
    {
        var servers = await Servers.SharedAsync();
        return new ApiFactory(await servers.CreateDatabaseAsync("api"), servers.RedisConnectionString);
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        builder.UseSetting($"ConnectionStrings:{ResourceNames.Database}", databaseConnectionString);
        builder.UseSetting($"ConnectionStrings:{ResourceNames.Cache}", redisConnectionString);
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
        builder.ConfigureLogging(logging => logging.AddProvider(Errors));
        builder.ConfigureTestServices(services => ServiceOverrides.ForEach(o => o(services)));
    }
}
