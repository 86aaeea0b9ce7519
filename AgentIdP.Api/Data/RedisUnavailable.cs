using StackExchange.Redis;

namespace AgentIdP.Api.Data;

/// <summary>
/// What a Redis call throws when Redis is away, for the callers that then go on without it (fail open). Besides the
/// client's own exceptions and timeouts, StackExchange.Redis can surface, when a connection drops under load, the
/// socket pipe's <see cref="InvalidOperationException"/> ("Writing is not allowed after writer was completed"), a
/// <see cref="TaskCanceledException"/> for commands it abandons (these calls pass no cancellation token of ours), and
/// <see cref="ObjectDisposedException"/> while the connection shuts down. Tests: RedisUnavailableTests.
/// A broken script (it does not compile, or fails as it runs) is our bug, not an outage: it is not recognised here, so it
/// surfaces as a 500 with its stack in the log instead of silently turning a limit off.
/// </summary>
public static class RedisUnavailable
{
    public static bool Is(Exception e) =>
        (e is RedisException && !ScriptBug(e))
        || e is TimeoutException or ObjectDisposedException or IOException
        || (e is InvalidOperationException or OperationCanceledException && ThrownByRedisClient(e));

    // Redis 7: "ERR Error compiling script (new function): user_script:1: …", "ERR user_script:1: Script attempted to …",
    // "ERR Unknown Redis command called from script …". Resource errors inside scripts (OOM, BUSY) have other prefixes.
    private static bool ScriptBug(Exception e) =>
        e is RedisServerException && e.Message.StartsWith("ERR ", StringComparison.Ordinal)
        && (e.Message.Contains("user_script", StringComparison.Ordinal) || e.Message.Contains("from script", StringComparison.Ordinal));

    private static bool ThrownByRedisClient(Exception e) => e.StackTrace?.Contains("StackExchange.Redis", StringComparison.Ordinal) == true;
}
