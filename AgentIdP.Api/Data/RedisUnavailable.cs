using StackExchange.Redis;

namespace AgentIdP.Api.Data;

/// <summary>
/// What a Redis call throws when Redis is away, for the callers that then go on without it (fail open). Besides the
/// client's own exceptions and timeouts, StackExchange.Redis can surface the socket pipe's
/// <see cref="InvalidOperationException"/> ("Writing is not allowed after writer was completed") when a connection
/// drops while a command is being written, and <see cref="ObjectDisposedException"/> while the connection shuts down.
/// </summary>
public static class RedisUnavailable
{
    public static bool Is(Exception e) =>
        e is RedisException or TimeoutException or ObjectDisposedException or IOException
        || (e is InvalidOperationException && e.StackTrace?.Contains("StackExchange.Redis", StringComparison.Ordinal) == true);
}
