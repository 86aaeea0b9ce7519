namespace AgentIdP.TestSupport;

/// <summary>Waits for a condition that other processes make true (a message over Redis, a poll), up to a bound.</summary>
public static class Eventually
{
    public static async Task TrueAsync(Func<Task<bool>> condition, TimeSpan? within = null, string? because = null)
    {
        var deadline = DateTime.UtcNow + (within ?? TimeSpan.FromSeconds(15));
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline) throw new TimeoutException(because ?? "The condition did not become true in time.");
            await Task.Delay(100);
        }
    }
}
