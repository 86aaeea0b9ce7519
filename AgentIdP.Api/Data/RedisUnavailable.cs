using StackExchange.Redis;

namespace AgentIdP.Api.Data;

/// <summary>
/// What a Redis call throws when Redis is away, for the callers that then go on without it (fail open). Besides the
/// client's own exceptions and timeouts, StackExchange.Redis can surface, when a connection drops under load, the
/// socket pipe's <see cref="InvalidOperationException"/> ("Writing is not allowed after writer was completed"), a
/// <see cref="TaskCanceledException"/> for commands it abandons (these calls pass no cancellation token of ours), and
/// <see cref="ObjectDisposedException"/> while the connection shuts down. Tests: RedisUnavailableTests.
/// </summary>
public static class RedisUnavailable
{
    public static bool Is(Exception e) =>
        e is RedisException or TimeoutException or ObjectDisposedException or IOException
        || (e is InvalidOperationException or OperationCanceledException && ThrownByRedisClient(e));

    private static bool ThrownByRedisClient(Exception e) => e.StackTrace?.Contains("StackExchange.Redis", StringComparison.Ordinal) == true;
}
