using System.Net;
using System.Text.Json;
using Xunit.Abstractions;

namespace AgentIdP.AppHost.Tests;

/// <summary>The whole system from the AppHost, in local mode: the machine's own Postgres and Redis, two API replicas, the portal.</summary>
public sealed class AppHostTests(ITestOutputHelper output)
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    [Fact]
    public async Task Local_mode_brings_up_both_api_replicas_and_the_portal_healthy_and_stops_every_process()
    {
        var dataDir = Path.Combine(Path.GetTempPath(), $"agentidp-apphost-{Guid.NewGuid():N}"[..28]);
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.AgentIdP_AppHost>(
            ["--AgentIdP:Infra=local", $"--AgentIdP:DataDir={dataDir}"]);

        await using (var app = await builder.BuildAsync())
        {
            using var cts = new CancellationTokenSource(StartTimeout);
            var replicas = WatchHealthyReplicasAsync(app, ResourceNames.Api, expected: 2, cts.Token);
            await app.StartAsync(cts.Token);

            var replicaUrls = await replicas;
            Assert.Equal(2, replicaUrls.Distinct().Count());
            foreach (var url in replicaUrls)
            {
                // Each replica on its own port, not only the load-balancing proxy in front of them.
                using var direct = new HttpClient { BaseAddress = new Uri(url) };
                using var health = JsonDocument.Parse(await direct.GetStringAsync("/health", cts.Token));
                Assert.Equal("Healthy", health.RootElement.GetProperty("status").GetString());
                output.WriteLine($"api replica {url}: {health.RootElement}");
            }

            await app.ResourceNotifications.WaitForResourceHealthyAsync(ResourceNames.Portal, cts.Token);
            using var portal = app.CreateHttpClient(ResourceNames.Portal);
            using var home = await portal.GetAsync("/", cts.Token);
            Assert.Equal(HttpStatusCode.OK, home.StatusCode);
            Assert.Contains("status-healthy", await home.Content.ReadAsStringAsync(cts.Token));
        }

        Assert.True(File.Exists(Path.Combine(dataDir, "postgres", "PG_VERSION")), "the local data directory holds the cluster");
        Assert.Empty(await ProcessesMentioningAsync(dataDir));
        Directory.Delete(dataDir, recursive: true);
    }

    /// <summary>The direct URL of every replica of <paramref name="resource"/> once it reports healthy.</summary>
    private static async Task<List<string>> WatchHealthyReplicasAsync(
        DistributedApplication app, string resource, int expected, CancellationToken ct)
    {
        var healthy = new Dictionary<string, string>();
        await foreach (var evt in app.ResourceNotifications.WatchAsync(ct))
        {
            if (evt.Resource.Name != resource || evt.Snapshot.HealthStatus != Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy) continue;
            // Each replica listens on its own port behind the proxy; its environment says which.
            var url = evt.Snapshot.EnvironmentVariables.FirstOrDefault(e => e.Name == "ASPNETCORE_URLS")?.Value?.Split(';')[0];
            if (url is not null) healthy[evt.ResourceId] = url;
            if (healthy.Count == expected) break;
        }
        return [.. healthy.Values];
    }

    /// <summary>Processes whose command line names the directory: what the AppHost started and left behind.</summary>
    private static async Task<List<string>> ProcessesMentioningAsync(string dir)
    {
        // DCP stops executables asynchronously after the app is disposed; give it a moment.
        for (var attempt = 0; ; attempt++)
        {
            var found = Directory.GetDirectories("/proc")
                .Where(d => int.TryParse(Path.GetFileName(d), out _))
                .Select(d => { try { return File.ReadAllText(Path.Combine(d, "cmdline")).Replace('\0', ' '); } catch (IOException) { return ""; } })
                .Where(cmd => cmd.Contains(dir, StringComparison.Ordinal))
                .ToList();
            if (found.Count == 0 || attempt == 50) return found;
            await Task.Delay(200);
        }
    }
}
