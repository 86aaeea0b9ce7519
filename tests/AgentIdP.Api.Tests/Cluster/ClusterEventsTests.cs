using System.Collections.Concurrent;
using AgentIdP.Api.Cluster;
using AgentIdP.Api.OAuth;
using AgentIdP.Api.Tiers;
using AgentIdP.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using StackExchange.Redis;

namespace AgentIdP.Api.Tests.Cluster;

/// <summary>Two <see cref="ClusterEvents"/> over one Redis stand for two replicas.</summary>
public sealed class ClusterEventsTests
{
    [Fact]
    public async Task A_typed_event_reaches_the_publisher_at_once_and_the_other_replica_through_redis()
    {
        var servers = await Servers.SharedAsync();
        await using var redisA = await ConnectionMultiplexer.ConnectAsync(servers.RedisConnectionString);
        await using var redisB = await ConnectionMultiplexer.ConnectAsync(servers.RedisConnectionString);
        var a = new ClusterEvents(redisA, NullLogger<ClusterEvents>.Instance);
        var b = new ClusterEvents(redisB, NullLogger<ClusterEvents>.Instance);
        var seenA = new ConcurrentQueue<TenantTierChanged>();
        var seenB = new ConcurrentQueue<TenantTierChanged>();
        var revokedOnB = new ConcurrentQueue<TokenRevoked>();
        a.On<TenantTierChanged>(seenA.Enqueue);
        b.On<TenantTierChanged>(seenB.Enqueue);
        b.On<TokenRevoked>(revokedOnB.Enqueue);
        await a.RunAsync(CancellationToken.None);
        await b.RunAsync(CancellationToken.None);
        var change = new TenantTierChanged(Guid.NewGuid(), Tier.Enterprise);

        a.Publish(change);

        Assert.Contains(change, seenA);
        await Eventually.TrueAsync(() => Task.FromResult(seenB.Contains(change)), TimeSpan.FromSeconds(5));
        Assert.Empty(revokedOnB);
    }
}
