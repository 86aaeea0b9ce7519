using AgentIdP.Portal.SignIn;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using AgentIdP.TestSupport;
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
    public async Task A_session_used_again_within_a_tenth_of_the_idle_timeout_is_read_but_not_rewritten()
    {
        var session = await StartAsync(tokenLifetime: TimeSpan.FromHours(24));
        var stored = await _redis.GetDatabase().StringGetAsync(SessionStore.Key(session.Id));

        _clock.Advance(Limits.IdleTimeout / 10 - TimeSpan.FromSeconds(1));
        Assert.NotNull(await _store.ResumeAsync(session.Id));
        Assert.Equal(stored, await _redis.GetDatabase().StringGetAsync(SessionStore.Key(session.Id)));

        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Equal(_clock.GetUtcNow(), (await _store.ResumeAsync(session.Id))?.LastSeenAt);
        Assert.NotEqual(stored, await _redis.GetDatabase().StringGetAsync(SessionStore.Key(session.Id)));
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
    public async Task A_session_outlives_its_access_tokens_by_renewing_each_a_minute_before_it_expires()
    {
        var session = await StartAsync(tokenLifetime: TimeSpan.FromMinutes(20));
        var first = session.AccessToken;

        _clock.Advance(TimeSpan.FromMinutes(19) - TimeSpan.FromSeconds(1));
        session = (await _store.ResumeAsync(session.Id))!;
        Assert.False(_store.NeedsRenewal(session));
        _clock.Advance(TimeSpan.FromSeconds(1));
        session = (await _store.ResumeAsync(session.Id))!;
        Assert.True(_store.NeedsRenewal(session));

        var renewed = await _store.RenewAsync(session, IssueToken(TimeSpan.FromMinutes(20)));

        Assert.NotNull(renewed);
        Assert.NotEqual(first, renewed.AccessToken);
        Assert.False(_store.NeedsRenewal(renewed));
        // Long past the first token, in steady use, the session carries on with the renewed one.
        for (var i = 0; i < 3; i++)
        {
            _clock.Advance(TimeSpan.FromMinutes(10));
            session = (await _store.ResumeAsync(session.Id))!;
            if (_store.NeedsRenewal(session)) session = (await _store.RenewAsync(session, IssueToken(TimeSpan.FromMinutes(20))))!;
        }
        Assert.Equal(renewed.CreatedAt, session.CreatedAt);
        Assert.True(session.TokenExpiresAt > _clock.GetUtcNow());
    }

    [Fact]
    public async Task With_the_apis_shortest_tokens_renewal_starts_a_quarter_of_the_token_life_before_it_expires()
    {
        var session = await StartAsync(tokenLifetime: TimeSpan.FromSeconds(60));

        _clock.Advance(TimeSpan.FromSeconds(44));
        Assert.False(_store.NeedsRenewal((await _store.ResumeAsync(session.Id))!));
        _clock.Advance(TimeSpan.FromSeconds(1));

        Assert.True(_store.NeedsRenewal((await _store.ResumeAsync(session.Id))!));
    }

    [Fact]
    public async Task A_session_whose_credentials_the_token_endpoint_refuses_ends_and_leaves_redis()
    {
        var session = await DueForRenewalAsync();

        var renewed = await _store.RenewAsync(session, _ => Task.FromResult(TokenResult.Failed(new OAuthError(OAuthError.InvalidClient, null))));

        Assert.Null(renewed);
        Assert.False(await InRedisAsync(session.Id));
        Assert.Null(await _store.ResumeAsync(session.Id));
    }

    [Fact]
    public async Task An_unreachable_token_endpoint_leaves_the_session_with_its_current_token()
    {
        var session = await DueForRenewalAsync();

        var renewed = await _store.RenewAsync(session, _ => Task.FromResult(TokenResult.Failed(new OAuthError(OAuthError.Unavailable, null))));

        Assert.Equal(session.AccessToken, renewed?.AccessToken);
        Assert.True(await InRedisAsync(session.Id));
    }

    [Fact]
    public async Task A_session_signed_out_while_its_token_is_renewed_stays_ended()
    {
        var session = await DueForRenewalAsync();

        var renewed = await _store.RenewAsync(session, async credentials =>
        {
            await _store.EndAsync(session, "signed out");
            return await IssueToken(TimeSpan.FromMinutes(20))(credentials);
        });

        Assert.Null(renewed);
        Assert.False(await InRedisAsync(session.Id));
    }

    [Fact]
    public async Task Concurrent_requests_renew_a_session_once_and_the_others_keep_its_still_valid_token()
    {
        var session = await DueForRenewalAsync();
        var requests = 0;
        var answer = new TaskCompletionSource<TokenResult>(TaskCreationOptions.RunContinuationsAsynchronously);
        Func<ClientCredentials, Task<TokenResult>> slowEndpoint = _ =>
        {
            Interlocked.Increment(ref requests);
            return answer.Task;
        };

        var first = _store.RenewAsync(session, slowEndpoint);
        await Eventually.TrueAsync(() => Task.FromResult(Volatile.Read(ref requests) == 1));
        var others = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => _store.RenewAsync(session, slowEndpoint)));
        answer.SetResult(TokenResult.Issued("token-renewed", _clock.GetUtcNow() + TimeSpan.FromMinutes(20)));
        var renewed = await first;

        Assert.Equal(1, requests);
        Assert.All(others, o => Assert.Equal(session.AccessToken, o?.AccessToken));
        Assert.Equal("token-renewed", renewed?.AccessToken);
        Assert.Equal("token-renewed", (await _store.ResumeAsync(session.Id))?.AccessToken);
    }

    [Fact]
    public async Task Renewal_uses_the_credentials_the_admin_signed_in_with()
    {
        var session = await DueForRenewalAsync();
        ClientCredentials? used = null;

        await _store.RenewAsync(session, c =>
        {
            used = c;
            return IssueToken(TimeSpan.FromMinutes(20))(c);
        });

        Assert.Equal(new ClientCredentials(session.ClientId, Secret), used);
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
    public async Task Redis_holds_the_access_token_and_the_client_secret_only_encrypted()
    {
        var session = await StartAsync(tokenLifetime: TimeSpan.FromHours(1));

        var stored = (string?)await _redis.GetDatabase().StringGetAsync(SessionStore.Key(session.Id));

        Assert.NotNull(stored);
        Assert.DoesNotContain(session.AccessToken, stored);
        Assert.DoesNotContain(Secret, stored);
        var resumed = (await _store.ResumeAsync(session.Id))!;
        Assert.Equal(session.AccessToken, resumed.AccessToken);
        Assert.Equal(Secret, resumed.ClientSecret);
    }

    [Fact]
    public async Task A_session_does_not_print_its_secret_or_token()
    {
        var session = await StartAsync(tokenLifetime: TimeSpan.FromHours(1));

        Assert.DoesNotContain(Secret, session.ToString());
        Assert.DoesNotContain(session.AccessToken, session.ToString());
    }

    private const string Secret = "admin-secret-for-session-store-tests";

    private Task<PortalSession> StartAsync(TimeSpan tokenLifetime) =>
        _store.StartAsync(Tenant, new ClientCredentials("client-" + Guid.NewGuid().ToString("N"), Secret),
            TokenResult.Issued("token-" + Guid.NewGuid().ToString("N"), _clock.GetUtcNow() + tokenLifetime));

    /// <summary>A session whose 20-minute token is within its last minute.</summary>
    private async Task<PortalSession> DueForRenewalAsync()
    {
        var session = await StartAsync(tokenLifetime: TimeSpan.FromMinutes(20));
        _clock.Advance(TimeSpan.FromMinutes(19) + TimeSpan.FromSeconds(30));
        session = (await _store.ResumeAsync(session.Id))!;
        Assert.True(_store.NeedsRenewal(session));
        return session;
    }

    private Func<ClientCredentials, Task<TokenResult>> IssueToken(TimeSpan lifetime) =>
        _ => Task.FromResult(TokenResult.Issued("token-" + Guid.NewGuid().ToString("N"), _clock.GetUtcNow() + lifetime));

    private Task<bool> InRedisAsync(string sessionId) => _redis.GetDatabase().KeyExistsAsync(SessionStore.Key(sessionId));
}
