using AgentIdP.TestSupport;

namespace AgentIdP.Api.Tests;

/// <summary>One API instance (own database, shared Redis) per test class; tests isolate themselves with fresh tenants.</summary>
public sealed class ApiFixture : IAsyncLifetime
{
    public ApiFactory Factory { get; private set; } = null!;
    public HttpClient Http { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Factory = await ApiFactory.CreateAsync();
        Http = Factory.CreateClient();
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await Factory.DisposeAsync();
    }
}
