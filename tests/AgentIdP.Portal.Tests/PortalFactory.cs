using AgentIdP.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;

namespace AgentIdP.Portal.Tests;

/// <summary>
/// The real portal on Kestrel, finding the API through service discovery's configuration provider and keeping its
/// sessions in the test Redis. The entry point type is one of the portal's public classes because both the portal
/// and the API declare a global <c>Program</c>.
/// </summary>
public sealed class PortalFactory(Uri apiUrl, string redisConnectionString) : WebApplicationFactory<ApiClient>
{
    /// <summary>Configuration added or overridden before the host is built (session limits, trusted proxies).</summary>
    public Dictionary<string, string?> Settings { get; } = [];

    /// <summary>Replaces the portal's clock, which session limits are measured by.</summary>
    public TimeProvider? Clock { get; init; }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        // Outside Development the build's static assets (the compressed copies under obj/) are only found through the
        // runtime manifest; without it the stylesheet is served empty.
        builder.UseStaticWebAssets();
        builder.UseSetting($"services:{ResourceNames.Api}:http:0", apiUrl.ToString().TrimEnd('/'));
        builder.UseSetting($"ConnectionStrings:{ResourceNames.Cache}", redisConnectionString);
        builder.UseSetting("DataProtection:KeyRingSecret", ApiFactory.KeyRingSecret);
        foreach (var (key, value) in Settings) builder.UseSetting(key, value);
        if (Clock is { } clock) builder.ConfigureTestServices(s => s.AddSingleton(clock));
    }
}
