using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AgentIdP.Portal.SignIn;

/// <summary>
/// Portal sessions in Redis, one key per session, ending at the first of: idle timeout, absolute lifetime, sign-out,
/// or the API refusing the session's credentials. Both limits are checked against the stored timestamps on every
/// request and also set as the key's TTL, so an abandoned session disappears without anyone reading it. The session
/// keeps the admin's credentials to renew its access token before it expires; the secret and the token are encrypted
/// with Data Protection (each under its own purpose), so a copy of Redis alone holds no usable credential.
/// </summary>
public sealed partial class SessionStore(
    IConnectionMultiplexer redis,
    IDataProtectionProvider protection,
    IOptions<PortalSessionOptions> options,
    TimeProvider clock,
    ILogger<SessionStore> logger)
{
    /// <summary>The access token is renewed this long before it expires, so no call goes out with a dying token.</summary>
    public static readonly TimeSpan TokenMargin = TimeSpan.FromSeconds(60);

    /// <summary>How long one request may hold a session's renewal before another may try (a token request's worth).</summary>
    private static readonly TimeSpan RenewalLockTime = TimeSpan.FromSeconds(15);

    /// <summary>How long a request waits for another's renewal when its own token has already expired.</summary>
    private static readonly TimeSpan RenewalWait = TimeSpan.FromSeconds(3);

    /// <summary>How often per idle timeout, at most, a session in use has its last use rewritten in Redis.</summary>
    private const int TouchesPerIdleTimeout = 10;

    private const string KeyPrefix = "portal:session:";
    private const string RenewalSuffix = ":renewal";
    private readonly IDataProtector _tokens = protection.CreateProtector("AgentIdP.Portal.SignIn.SessionStore.AccessToken");
    private readonly IDataProtector _secrets = protection.CreateProtector("AgentIdP.Portal.SignIn.SessionStore.ClientSecret");
    private readonly PortalSessionOptions _limits = options.Value;

    public static RedisKey Key(string sessionId) => KeyPrefix + sessionId;

    /// <summary>The lock one request takes while it renews a session's access token.</summary>
    private static RedisKey RenewalKey(string sessionId) => KeyPrefix + sessionId + RenewalSuffix;

    /// <summary>Starts a session for an admin whose <paramref name="credentials"/> just obtained <paramref name="token"/>.</summary>
    public async Task<PortalSession> StartAsync(Tenant tenant, ClientCredentials credentials, TokenResult token)
    {
        var now = clock.GetUtcNow();
        var session = new PortalSession(NewId(), tenant.Id, tenant.Name, credentials.ClientId, credentials.ClientSecret,
            token.AccessToken!, now, token.ExpiresAt, now, now);
        if (token.ExpiresAt <= now) throw new InvalidOperationException("The API issued an access token that has already expired.");
        await Redis(db => db.StringSetAsync(Key(session.Id), Serialize(session), TimeLeft(session, now), When.NotExists));
        LogStarted(logger, tenant.Id, credentials.ClientId);
        return session;
    }

    /// <summary>
    /// The live session with this id, marked as used now (unless it was, less than a tenth of the idle timeout ago); null
    /// when there is none, or when it has run out (it is then deleted). Its access token may be due for renewal (<see cref="NeedsRenewal"/>).
    /// </summary>
    public async Task<PortalSession?> ResumeAsync(string sessionId)
    {
        var key = Key(sessionId);
        var stored = await Redis(db => db.StringGetAsync(key));
        if (stored.IsNull) return null;

        var now = clock.GetUtcNow();
        var session = Deserialize(stored!);
        if (session is null || TimeLeft(session, now) <= TimeSpan.Zero)
        {
            await Redis(db => db.KeyDeleteAsync(key));
            LogEnded(logger, session?.TenantId ?? "(unreadable)", session is null ? "unreadable" : EndReason(session, now));
            return null;
        }

        // Recording every use would rewrite, and re-encrypt, the whole session on each page; a use within a tenth of the
        // idle timeout of the recorded one is left unrecorded, so a busy session costs one read per page.
        if (now - session.LastSeenAt < _limits.IdleTimeout / TouchesPerIdleTimeout) return session;
        var used = session with { LastSeenAt = now };
        // Only if the key still exists: a sign-out that deleted it meanwhile must not be undone by this write.
        var kept = await Redis(db => db.StringSetAsync(key, Serialize(used), TimeLeft(used, now), When.Exists));
        return kept ? used : null;
    }

    /// <summary>Whether the session's access token is within the margin of expiring and should be replaced now.</summary>
    public bool NeedsRenewal(PortalSession session) => clock.GetUtcNow() >= RenewAt(session);

    /// <summary>
    /// Replaces the session's access token with one <paramref name="obtainToken"/> gets with the stored credentials, one
    /// request per session at a time (a short Redis lock). Returns the session to use: renewed; unchanged when another
    /// request is renewing it or the token endpoint is unreachable (its token still works until it expires); or null
    /// when the session has ended: deleted meanwhile (a sign-out), or the API refused the credentials (the secret was
    /// rotated, the tenant suspended), in which case it is deleted here.
    /// </summary>
    public async Task<PortalSession?> RenewAsync(PortalSession session, Func<ClientCredentials, Task<TokenResult>> obtainToken)
    {
        var owner = NewId();
        if (!await Redis(db => db.LockTakeAsync(RenewalKey(session.Id), owner, RenewalLockTime)))
            return await AwaitRenewalAsync(session);
        try
        {
            // Another request may have renewed it between this request's read and the lock.
            var current = await ReadAsync(session.Id);
            if (current is null || !NeedsRenewal(current)) return current;

            var requestedAt = clock.GetUtcNow();
            var token = await obtainToken(current.Credentials);
            if (!token.Succeeded)
            {
                if (!token.Error.RejectsCredentials)
                {
                    LogRenewalFailed(logger, current.TenantId, token.Error.Error);
                    return current;
                }
                await EndAsync(current, $"the API refused to renew its access token ({token.Error.Error})");
                return null;
            }

            var renewed = current with { AccessToken = token.AccessToken, TokenIssuedAt = requestedAt, TokenExpiresAt = token.ExpiresAt };
            var now = clock.GetUtcNow();
            // As in ResumeAsync: a session that sign-out deleted while the token was requested stays deleted.
            var kept = await Redis(db => db.StringSetAsync(Key(session.Id), Serialize(renewed), TimeLeft(renewed, now), When.Exists));
            if (kept) LogRenewed(logger, renewed.TenantId, renewed.ClientId);
            return kept ? renewed : null;
        }
        finally
        {
            try
            {
                await redis.GetDatabase().LockReleaseAsync(RenewalKey(session.Id), owner);
            }
            catch (Exception e) when (PortalRedis.IsUnavailable(e))
            {
                // The lock expires by itself.
            }
        }
    }

    /// <summary>Ends a session (sign-out, or the API refusing its token); a copied cookie then finds nothing.</summary>
    public async Task EndAsync(PortalSession session, string reason)
    {
        if (await Redis(db => db.KeyDeleteAsync(Key(session.Id)))) LogEnded(logger, session.TenantId, reason);
    }

    /// <summary>How long the session has before its first limit, from <paramref name="now"/>.</summary>
    private TimeSpan TimeLeft(PortalSession session, DateTimeOffset now) =>
        Min(session.LastSeenAt + _limits.IdleTimeout, session.CreatedAt + _limits.AbsoluteLifetime) - now;

    /// <summary>A minute before the token expires, or a quarter of its life before for the API's shortest tokens.</summary>
    private static DateTimeOffset RenewAt(PortalSession s)
    {
        var quarter = (s.TokenExpiresAt - s.TokenIssuedAt) / 4;
        return s.TokenExpiresAt - (quarter < TokenMargin ? quarter : TokenMargin);
    }

    /// <summary>
    /// Another request holds the renewal. While this session's token still works it is used as it is; once expired,
    /// wait briefly for the other request's new token rather than send a dead one (which would end the session).
    /// </summary>
    private async Task<PortalSession?> AwaitRenewalAsync(PortalSession session)
    {
        // Real time, not the session clock: this bounds how long the request waits, whatever time the sessions measure.
        var deadline = DateTimeOffset.UtcNow + RenewalWait;
        while (clock.GetUtcNow() >= session.TokenExpiresAt && DateTimeOffset.UtcNow < deadline)
        {
            await Task.Delay(TimeSpan.FromMilliseconds(100));
            var current = await ReadAsync(session.Id);
            if (current is null || current.TokenExpiresAt != session.TokenExpiresAt) return current;
        }
        return session;
    }

    private async Task<PortalSession?> ReadAsync(string sessionId)
    {
        var stored = await Redis(db => db.StringGetAsync(Key(sessionId)));
        return stored.IsNull ? null : Deserialize(stored!);
    }

    private string EndReason(PortalSession s, DateTimeOffset now) =>
        now >= s.CreatedAt + _limits.AbsoluteLifetime ? "absolute lifetime" : "idle timeout";

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b) => a < b ? a : b;

    private static string NewId() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    private string Serialize(PortalSession session) =>
        JsonSerializer.Serialize(session with
        {
            ClientSecret = _secrets.Protect(session.ClientSecret),
            AccessToken = _tokens.Protect(session.AccessToken),
        });

    private PortalSession? Deserialize(string json)
    {
        try
        {
            // A session written before secrets were kept has none: it cannot be renewed, so it counts as ended.
            return JsonSerializer.Deserialize<PortalSession>(json) is { ClientSecret: not null, AccessToken: not null } stored
                ? stored with { ClientSecret = _secrets.Unprotect(stored.ClientSecret), AccessToken = _tokens.Unprotect(stored.AccessToken) }
                : null;
        }
        catch (Exception e) when (e is JsonException or CryptographicException)
        {
            // Written under a key ring this instance cannot read, or by another version: treat as no session.
            return null;
        }
    }

    private async Task<T> Redis<T>(Func<IDatabase, Task<T>> command)
    {
        try
        {
            return await command(redis.GetDatabase());
        }
        catch (Exception e) when (PortalRedis.IsUnavailable(e))
        {
            throw new SessionStoreUnavailableException(e);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Portal session started for tenant {TenantId}, client {ClientId}")]
    private static partial void LogStarted(ILogger logger, string tenantId, string clientId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Portal session of tenant {TenantId} ended: {Reason}")]
    private static partial void LogEnded(ILogger logger, string tenantId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Portal session of tenant {TenantId} renewed its access token for client {ClientId}")]
    private static partial void LogRenewed(ILogger logger, string tenantId, string clientId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Portal session of tenant {TenantId} could not renew its access token ({Error}); it keeps the current one")]
    private static partial void LogRenewalFailed(ILogger logger, string tenantId, string error);
}
