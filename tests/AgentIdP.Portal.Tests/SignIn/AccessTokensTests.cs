using AgentIdP.Portal.SignIn;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Time.Testing;

namespace AgentIdP.Portal.Tests.SignIn;

[Collection(PortalCollection.Name)]
public sealed class AccessTokensTests(PortalFixture fixture)
{
    [Fact]
    public async Task An_access_token_is_reused_until_a_minute_before_it_expires()
    {
        var admin = await fixture.Api.CreateTenantAsync();
        var (tokens, clock, calls) = NewAccessTokens();

        var first = await tokens.GetAsync(admin.Credentials, default);
        var lifetime = first.ExpiresAt - clock.GetUtcNow();
        clock.Advance(lifetime - AccessTokens.RefreshMargin - TimeSpan.FromSeconds(1));
        var second = await tokens.GetAsync(admin.Credentials, default);
        Assert.Equal(1, calls.Count);

        clock.Advance(TimeSpan.FromSeconds(2));
        var third = await tokens.GetAsync(admin.Credentials, default);

        Assert.True(first.Succeeded && second.Succeeded && third.Succeeded);
        Assert.Equal(first.AccessToken, second.AccessToken);
        Assert.Equal(2, calls.Count);
        Assert.True(lifetime > AccessTokens.RefreshMargin, $"The API's token lifetime is {lifetime}.");
    }

    [Fact]
    public async Task A_token_cached_for_one_secret_is_not_handed_to_another()
    {
        var admin = await fixture.Api.CreateTenantAsync();
        var (tokens, _, calls) = NewAccessTokens();
        Assert.True((await tokens.GetAsync(admin.Credentials, default)).Succeeded);

        var wrong = await tokens.GetAsync(admin.Credentials with { ClientSecret = "stale-secret" }, default);

        Assert.False(wrong.Succeeded);
        Assert.True(wrong.Error.RejectsCredentials);
        Assert.Equal(2, calls.Count);
    }

    private (AccessTokens Tokens, FakeTimeProvider Clock, CallCounter Calls) NewAccessTokens()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow);
        var calls = new CallCounter(new SocketsHttpHandler());
        var endpoint = new TokenEndpoint(new HttpClient(calls) { BaseAddress = fixture.ApiUrl }, clock);
        return (new AccessTokens(endpoint, new MemoryCache(new MemoryCacheOptions()), clock), clock, calls);
    }

    /// <summary>Counts the requests that really go to the API.</summary>
    private sealed class CallCounter(HttpMessageHandler inner) : DelegatingHandler(inner)
    {
        private int _count;
        public int Count => _count;

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken ct)
        {
            Interlocked.Increment(ref _count);
            return base.SendAsync(request, ct);
        }
    }
}
