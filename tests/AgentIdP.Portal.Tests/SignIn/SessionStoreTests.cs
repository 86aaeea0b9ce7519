using AgentIdP.Portal.SignIn;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace AgentIdP.Portal.Tests.SignIn;

/// <summary>The session limits, against the test Redis, measured by a clock the test moves.</summary>
[Collection(PortalCollection.Name)]
public sealed class SessionStoreTests(PortalFixture fixture) : IAsyncLifetime
{
    private static readonly PortalSessionOptions Limits = new() { IdleTimeout = TimeSpan.FromMinutes(30), AbsoluteLifetime = TimeSpan.FromHours(8) };
    private static readonly Tenant Tenant = new(Guid.NewGuid().ToString(), "Store test", "free", DateTimeOffset.UtcNow);

    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);
    private ConnectionMultiplexer _redis = null!;
    private SessionStore _store = null!;

    public async Task InitializeAsync()
    {
        _redis = await ConnectionMultiplexer.ConnectAsync(fixture.RedisConnectionString);
        _store = new SessionStore(_redis, new EphemeralDataProtectionProvider(), Options.Create(Limits), _clock, NullLogger<SessionStore>.Instance);
    }

    public async Task DisposeAsync() => await _redis.DisposeAsync();

    [Fact]
    public async Task A_session_unused_for_longer_than_the_idle_timeout_ends_and_leaves_redis()
    {
        var session = await StartAsync(tokenLifetime: TimeSpan.FromHours(24));

        _clock.Advance(Limits.IdleTimeout - TimeSpan.FromSeconds(1));
        Assert.NotNull(await _store.ResumeAsync(session.Id));
        _clock.Advance(Limits.IdleTimeout);

        Assert.Null(await _store.ResumeAsync(session.Id));
        Assert.False(await InRedisAsync(session.Id));
    }

    [Fact]
    public async Task A_session_in_steady_use_ends_at_its_absolute_lifetime()
    {
        var session = await StartAsync(tokenLifetime: TimeSpan.FromHours(24));
        var step = TimeSpan.FromMinutes(20);

        for (var used = step; used < Limits.AbsoluteLifetime; used += step)
        {
            _clock.Advance(step);
            Assert.NotNull(await _store.ResumeAsync(session.Id));
        }
        _clock.Advance(step);

        Assert.Null(await _store.ResumeAsync(session.Id));
        Assert.False(await InRedisAsync(session.Id));
    }

    [Fact]
    public async Task A_session_ends_a_minute_before_its_access_token_expires()
    {
        var session = await StartAsync(tokenLifetime: TimeSpan.FromMinutes(20));

        _clock.Advance(TimeSpan.FromMinutes(19) - TimeSpan.FromSeconds(1));
        Assert.NotNull(await _store.ResumeAsync(session.Id));
        _clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Null(await _store.ResumeAsync(session.Id));
    }

    [Fact]
    public async Task With_the_apis_shortest_tokens_a_session_ends_a_quarter_of_the_token_life_before_it_expires()
    {
        var session = await StartAsync(tokenLifetime: TimeSpan.FromSeconds(60));

        _clock.Advance(TimeSpan.FromSeconds(44));
        Assert.NotNull(await _store.ResumeAsync(session.Id));
        _clock.Advance(TimeSpan.FromSeconds(1));

        Assert.Null(await _store.ResumeAsync(session.Id));
    }

    [Fact]
    public async Task Redis_drops_a_session_by_itself_no_later_than_its_idle_timeout()
    {
        var session = await StartAsync(tokenLifetime: TimeSpan.FromHours(24));
        _clock.Advance(TimeSpan.FromMinutes(5));
        await _store.ResumeAsync(session.Id);

        var ttl = await _redis.GetDatabase().KeyTimeToLiveAsync(SessionStore.Key(session.Id));

        Assert.NotNull(ttl);
        Assert.InRange(ttl.Value, TimeSpan.FromSeconds(1), Limits.IdleTimeout);
    }

    [Fact]
    public async Task An_ended_session_cannot_be_resumed()
    {
        var session = await StartAsync(tokenLifetime: TimeSpan.FromHours(1));

        await _store.EndAsync(session, "signed out");

        Assert.Null(await _store.ResumeAsync(session.Id));
        Assert.False(await InRedisAsync(session.Id));
    }

    [Fact]
    public async Task Redis_holds_the_access_token_only_encrypted()
    {
        var session = await StartAsync(tokenLifetime: TimeSpan.FromHours(1));

        var stored = (string?)await _redis.GetDatabase().StringGetAsync(SessionStore.Key(session.Id));

        Assert.NotNull(stored);
        Assert.DoesNotContain(session.AccessToken, stored);
        Assert.Equal(session.AccessToken, (await _store.ResumeAsync(session.Id))!.AccessToken);
    }

    private Task<PortalSession> StartAsync(TimeSpan tokenLifetime) =>
        _store.StartAsync(Tenant, "client-" + Guid.NewGuid().ToString("N"),
            TokenResult.Issued("token-" + Guid.NewGuid().ToString("N"), _clock.GetUtcNow() + tokenLifetime));

    private Task<bool> InRedisAsync(string sessionId) => _redis.GetDatabase().KeyExistsAsync(SessionStore.Key(sessionId));
}
