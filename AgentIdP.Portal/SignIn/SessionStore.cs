using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text.Json;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AgentIdP.Portal.SignIn;

/// <summary>
/// Portal sessions in Redis, one key per session, ending at the first of: idle timeout, absolute lifetime, or a
/// minute before the access token expires. Each limit is checked against the stored timestamps on every request and
/// also set as the key's TTL, so an abandoned session disappears without anyone reading it. The access token is
/// encrypted with Data Protection, so a copy of Redis alone holds no usable credential.
/// </summary>
public sealed partial class SessionStore(
    IConnectionMultiplexer redis,
    IDataProtectionProvider protection,
    IOptions<PortalSessionOptions> options,
    TimeProvider clock,
    ILogger<SessionStore> logger)
{
    /// <summary>A session ends this long before its access token expires, so no call goes out with a dying token.</summary>
    public static readonly TimeSpan TokenMargin = TimeSpan.FromSeconds(60);

    private const string KeyPrefix = "portal:session:";
    private readonly IDataProtector _tokens = protection.CreateProtector("AgentIdP.Portal.SignIn.SessionStore.AccessToken");
    private readonly PortalSessionOptions _limits = options.Value;

    public static RedisKey Key(string sessionId) => KeyPrefix + sessionId;

    /// <summary>Starts a session for an admin whose credentials just obtained <paramref name="token"/>.</summary>
    public async Task<PortalSession> StartAsync(Tenant tenant, string clientId, TokenResult token)
    {
        var now = clock.GetUtcNow();
        var session = new PortalSession(NewId(), tenant.Id, tenant.Name, clientId, token.AccessToken!, token.ExpiresAt, now, now);
        var ttl = TimeLeft(session, now);
        if (ttl <= TimeSpan.Zero) throw new InvalidOperationException("The API issued an access token that has already expired.");
        await Redis(db => db.StringSetAsync(Key(session.Id), Serialize(session), ttl, When.NotExists));
        LogStarted(logger, tenant.Id, clientId);
        return session;
    }

    /// <summary>
    /// The live session with this id, marked as used now; null when there is none, or when it has run out (it is then
    /// deleted).
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

        var used = session with { LastSeenAt = now };
        // Only if the key still exists: a sign-out that deleted it meanwhile must not be undone by this write.
        var kept = await Redis(db => db.StringSetAsync(key, Serialize(used), TimeLeft(used, now), When.Exists));
        return kept ? used : null;
    }

    /// <summary>Ends a session (sign-out, or the API refusing its token); a copied cookie then finds nothing.</summary>
    public async Task EndAsync(PortalSession session, string reason)
    {
        if (await Redis(db => db.KeyDeleteAsync(Key(session.Id)))) LogEnded(logger, session.TenantId, reason);
    }

    /// <summary>How long the session has before its first limit, from <paramref name="now"/>.</summary>
    public TimeSpan TimeLeft(PortalSession session, DateTimeOffset now) =>
        Min(session.LastSeenAt + _limits.IdleTimeout, session.CreatedAt + _limits.AbsoluteLifetime, TokenUsableUntil(session)) - now;

    /// <summary>A minute before the token expires, or a quarter of its life before for the API's shortest tokens.</summary>
    private static DateTimeOffset TokenUsableUntil(PortalSession s)
    {
        var quarter = (s.TokenExpiresAt - s.CreatedAt) / 4;
        return s.TokenExpiresAt - (quarter < TokenMargin ? quarter : TokenMargin);
    }

    private string EndReason(PortalSession s, DateTimeOffset now) =>
        now >= s.CreatedAt + _limits.AbsoluteLifetime ? "absolute lifetime"
        : now >= TokenUsableUntil(s) ? "access token expiry"
        : "idle timeout";

    private static DateTimeOffset Min(DateTimeOffset a, DateTimeOffset b, DateTimeOffset c) => a < b ? (a < c ? a : c) : (b < c ? b : c);

    private static string NewId() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    private string Serialize(PortalSession session) =>
        JsonSerializer.Serialize(session with { AccessToken = _tokens.Protect(session.AccessToken) });

    private PortalSession? Deserialize(string json)
    {
        try
        {
            var stored = JsonSerializer.Deserialize<PortalSession>(json);
            return stored is null ? null : stored with { AccessToken = _tokens.Unprotect(stored.AccessToken) };
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
        catch (Exception e) when (IsUnavailable(e))
        {
            throw new SessionStoreUnavailableException(e);
        }
    }

    /// <summary>
    /// What StackExchange.Redis throws when Redis is away: its own exceptions and timeouts, and, when a connection
    /// drops under load, the socket pipe's InvalidOperationException or a cancellation of the commands it abandons
    /// (the API learnt this the hard way; docs/reliability.md, "Redis outage").
    /// </summary>
    internal static bool IsUnavailable(Exception e) =>
        e is RedisException or TimeoutException or ObjectDisposedException or IOException
        || (e is InvalidOperationException or OperationCanceledException
            && e.StackTrace?.Contains("StackExchange.Redis", StringComparison.Ordinal) == true);

    [LoggerMessage(Level = LogLevel.Information, Message = "Portal session started for tenant {TenantId}, client {ClientId}")]
    private static partial void LogStarted(ILogger logger, string tenantId, string clientId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Portal session of tenant {TenantId} ended: {Reason}")]
    private static partial void LogEnded(ILogger logger, string tenantId, string reason);
}
