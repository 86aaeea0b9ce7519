using System.Diagnostics;
using System.Net;
using AgentIdP.Api.Tiers;
using AgentIdP.TestSupport;
using Xunit.Abstractions;

namespace AgentIdP.Reliability.Tests;

/// <summary>
/// A tenant's per-second limit holds whatever the number of API processes: a client spreading its calls over all of them
/// is admitted the tier's burst plus its rate times the time elapsed, and no more.
/// </summary>
public sealed class ExactLimitsAcrossReplicasTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Run = TimeSpan.FromSeconds(6);

    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(4)]
    public async Task A_client_spread_over_all_replicas_is_admitted_burst_plus_rate_times_elapsed_within_5_percent(int replicas)
    {
        var servers = await Servers.SharedAsync();
        var database = await servers.CreateDatabaseAsync($"exact{replicas}");
        var apis = await Task.WhenAll(Enumerable.Range(0, replicas).Select(_ =>
            ApiProcess.StartAsync(database, servers.RedisConnectionString, ("TIER_ENFORCEMENT", "true"))));
        try
        {
            var clients = apis.Select(a => new HttpClient { BaseAddress = a.Url }).ToArray();
            // A free tenant (10 requests a second, burst 20): a rate the callers outrun by far on any machine.
            var tenant = await clients[0].CreateTenantAsync();
            var admin = await clients[0].AdminTokenAsync(tenant);
            foreach (var client in clients) (await client.SendAsync(TestApi.Authorized(HttpMethod.Get, "/api/tenant", admin))).Dispose(); // warm
            await Task.Delay(TimeSpan.FromSeconds(3)); // the bucket is full again after the setup's calls

            // 16 callers, round-robin over the replicas, faster than the tier's rate. Each admitted call's send and
            // receive times bound when Redis decided it, so the window is measured from both sides.
            var admitted = new System.Collections.Concurrent.ConcurrentBag<(TimeSpan Sent, TimeSpan Received)>();
            var refused = 0;
            var clock = Stopwatch.StartNew();
            var callers = Enumerable.Range(0, 16).Select(worker => Task.Run(async () =>
            {
                for (var i = worker; clock.Elapsed < Run; i++)
                {
                    var sent = clock.Elapsed;
                    using var response = await clients[i % replicas].SendAsync(TestApi.Authorized(HttpMethod.Get, "/api/tenant", admin));
                    if (response.StatusCode == HttpStatusCode.OK) admitted.Add((sent, clock.Elapsed));
                    else if (response.StatusCode == HttpStatusCode.TooManyRequests) Interlocked.Increment(ref refused);
                    else throw new InvalidOperationException($"unexpected {(int)response.StatusCode}");
                }
            })).ToList();
            await Task.WhenAll(callers);

            // The decisions of the first and last admitted calls lie between these bounds.
            var longest = admitted.Max(a => a.Received).TotalSeconds; // the clock started before the first call
            var shortest = (admitted.Max(a => a.Sent) - admitted.Min(a => a.Received)).TotalSeconds;
            var free = TierConfig.Free;
            double Allowed(double seconds) => free.Burst + free.RequestsPerSecond * seconds;
            output.WriteLine($"{replicas} replicas: {admitted.Count} admitted, {refused} refused; burst + rate × t = {Allowed(shortest):F1} to {Allowed(longest):F1}");
            Assert.True(refused > 0, "the callers went faster than the tier's rate");
            Assert.InRange(admitted.Count, Allowed(shortest) * 0.95, Allowed(longest) * 1.05);
            foreach (var client in clients) client.Dispose();
        }
        finally
        {
            foreach (var api in apis) await api.DisposeAsync();
        }
    }
}
