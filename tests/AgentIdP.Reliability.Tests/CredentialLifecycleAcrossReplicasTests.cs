using System.Net;
using AgentIdP.TestSupport;
using Xunit.Abstractions;

namespace AgentIdP.Reliability.Tests;

/// <summary>
/// An incident responder's moves, made on one replica, end the tokens on the other within 3 s (announced over Redis;
/// polled from Postgres as the fallback), in API validation and in introspection alike, and stay ended after both restart.
/// </summary>
public sealed class CredentialLifecycleAcrossReplicasTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Within = TimeSpan.FromSeconds(3);

    [Fact]
    public async Task Tokens_issued_before_disable_delete_rotation_with_revocation_or_suspension_are_refused_on_the_other_replica_and_after_a_restart()
    {
        var servers = await Servers.SharedAsync();
        var database = await servers.CreateDatabaseAsync("lifecycle");
        var a = await ApiProcess.StartAsync(database, servers.RedisConnectionString);
        var b = await ApiProcess.StartAsync(database, servers.RedisConnectionString);
        try
        {
            using var httpA = new HttpClient { BaseAddress = a.Url };
            using var httpB = new HttpClient { BaseAddress = b.Url };
            var platform = await httpA.PlatformTokenAsync();
            var tenant = await httpA.CreateTenantAsync("Responder");
            var admin = await httpA.AdminTokenAsync(tenant);
            var disabled = await httpA.CreateAgentAsync(admin, new { name = "Disabled" });
            var deleted = await httpA.CreateAgentAsync(admin, new { name = "Deleted" });
            var rotated = await httpA.CreateAgentAsync(admin, new { name = "Rotated" });
            var bystander = await httpA.CreateAgentAsync(admin, new { name = "Bystander" });
            var suspendedTenant = await httpA.CreateTenantAsync("Suspended");
            var suspendedAgent = await httpA.CreateAgentAsync(await httpA.AdminTokenAsync(suspendedTenant));

            // Tokens obtained from B, the replica that will not see the changes made.
            var tokens = new Dictionary<string, (TestApi.TenantCredentials Owner, string Token)>
            {
                ["disabled"] = (tenant, await httpB.TokenAsync(disabled.ClientId, disabled.ClientSecret)),
                ["deleted"] = (tenant, await httpB.TokenAsync(deleted.ClientId, deleted.ClientSecret)),
                ["rotated"] = (tenant, await httpB.TokenAsync(rotated.ClientId, rotated.ClientSecret)),
                ["suspended"] = (suspendedTenant, await httpB.TokenAsync(suspendedAgent.ClientId, suspendedAgent.ClientSecret)),
            };
            var bystanderToken = await httpB.TokenAsync(bystander.ClientId, bystander.ClientSecret);
            foreach (var (name, (owner, token)) in tokens)
            {
                Assert.True(await httpB.IsActiveAsync(owner, token), $"{name}: active before");
                Assert.Equal(HttpStatusCode.Forbidden, await httpB.CallAsync("/api/agents", token)); // alive, but not an admin
            }

            await httpA.SendJsonAsync(HttpMethod.Post, $"/api/agents/{disabled.AgentId}/disable", admin);
            using (var delete = await httpA.SendAsync(TestApi.Authorized(HttpMethod.Delete, $"/api/agents/{deleted.AgentId}", admin)))
            {
                Assert.Equal(HttpStatusCode.NoContent, delete.StatusCode);
            }
            var newSecret = (await httpA.SendJsonAsync(HttpMethod.Post, $"/api/agents/{rotated.AgentId}/credentials/rotate", admin,
                new { revokeTokens = true }))["clientSecret"]!.GetValue<string>();
            await httpA.SendJsonAsync(HttpMethod.Post, $"/api/tenants/{suspendedTenant.TenantId}/suspend", platform);

            var ended = DateTime.UtcNow;
            foreach (var (name, (_, token)) in tokens)
            {
                await Eventually.TrueAsync(async () => await httpB.CallAsync("/api/agents", token) == HttpStatusCode.Unauthorized,
                    Within, $"{name}: replica B's API should refuse the token within {Within.TotalSeconds} s");
            }
            // Introspection as the platform operator: the suspended tenant's own admin cannot authenticate any more.
            foreach (var (name, (_, token)) in tokens)
            {
                Assert.False(await IntrospectAsPlatformAsync(httpB, token), $"{name}: introspection on B says inactive");
            }
            output.WriteLine($"all four ended on B within {(DateTime.UtcNow - ended).TotalMilliseconds:F0} ms of the last change");
            Assert.Equal(HttpStatusCode.Forbidden, await httpB.CallAsync("/api/agents", bystanderToken));

            // Both replicas restart: the ends are in Postgres, not only in memory.
            await a.StopAsync();
            await b.StopAsync();
            await a.DisposeAsync();
            await b.DisposeAsync();
            a = await ApiProcess.StartAsync(database, servers.RedisConnectionString);
            b = await ApiProcess.StartAsync(database, servers.RedisConnectionString);
            using var afterA = new HttpClient { BaseAddress = a.Url };
            using var afterB = new HttpClient { BaseAddress = b.Url };
            foreach (var (name, (_, token)) in tokens)
            {
                Assert.Equal(HttpStatusCode.Unauthorized, await afterA.CallAsync("/api/agents", token));
                Assert.Equal(HttpStatusCode.Unauthorized, await afterB.CallAsync("/api/agents", token));
                Assert.False(await IntrospectAsPlatformAsync(afterB, token), $"{name}: inactive after the restart");
            }
            Assert.Equal(HttpStatusCode.Forbidden, await afterB.CallAsync("/api/agents", bystanderToken));

            // What comes back after the incident works again, on either replica.
            var platformAfter = await afterA.PlatformTokenAsync();
            var adminAfter = await afterA.AdminTokenAsync(tenant);
            await afterA.SendJsonAsync(HttpMethod.Post, $"/api/agents/{disabled.AgentId}/enable", adminAfter);
            await afterA.SendJsonAsync(HttpMethod.Post, $"/api/tenants/{suspendedTenant.TenantId}/resume", platformAfter);
            var reEnabled = await afterA.TokenAsync(disabled.ClientId, disabled.ClientSecret);
            var withNewSecret = await afterA.TokenAsync(rotated.ClientId, newSecret);
            var resumed = await afterA.TokenAsync(suspendedAgent.ClientId, suspendedAgent.ClientSecret);
            foreach (var token in new[] { reEnabled, withNewSecret, resumed })
            {
                await Eventually.TrueAsync(async () => await afterB.CallAsync("/api/agents", token) == HttpStatusCode.Forbidden,
                    Within, "a token issued after the re-enable, the rotation or the resume should work on replica B");
                Assert.True(await IntrospectAsPlatformAsync(afterB, token));
            }
        }
        finally
        {
            await a.DisposeAsync();
            await b.DisposeAsync();
        }
    }

    private static async Task<bool> IntrospectAsPlatformAsync(HttpClient http, string token) =>
        await http.IsActiveAsync(new TestApi.TenantCredentials(Guid.Empty, ApiFactory.PlatformAdminClientId, ApiFactory.PlatformAdminSecret), token);
}
