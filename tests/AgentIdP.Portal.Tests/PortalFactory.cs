using AgentIdP.TestSupport;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;

namespace AgentIdP.Portal.Tests;

/// <summary>
/// The real portal on Kestrel, finding the API through service discovery's configuration provider. The entry point
/// type is one of the portal's public classes because both the portal and the API declare a global <c>Program</c>.
/// </summary>
public sealed class PortalFactory(Uri apiUrl, string redisConnectionString) : WebApplicationFactory<ApiClient>
{
    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Testing");
        // Outside Development the build's static assets (the compressed copies under obj/) are only found through the
        // runtime manifest; without it the stylesheet is served empty.
        builder.UseStaticWebAssets();
        builder.UseSetting($"services:{ResourceNames.Api}:http:0", apiUrl.ToString().TrimEnd('/'));
        builder.UseSetting($"ConnectionStrings:{ResourceNames.Cache}", redisConnectionString);
        builder.UseSetting("DataProtection:KeyRingSecret", ApiFactory.KeyRingSecret);
    }
}
