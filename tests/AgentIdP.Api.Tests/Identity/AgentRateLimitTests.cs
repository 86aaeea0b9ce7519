using System.Net;
using System.Text.Json.Nodes;
using AgentIdP.TestSupport;

namespace AgentIdP.Api.Tests.Identity;

public sealed class AgentRateLimitTests
{
    [Fact]
    public async Task An_agent_over_its_token_bucket_gets_429_with_retry_after_and_other_agents_are_unaffected()
    {
        await using var api = await ApiFactory.CreateAsync();
        api.Settings["Identity:AgentRateLimit:PerSecond"] = "1";
        api.Settings["Identity:AgentRateLimit:Burst"] = "3";
        using var http = api.CreateClient();
        var tenant = await http.CreateTenantAsync();
        var admin = await http.AdminTokenAsync(tenant);
        var busy = await http.CreateAgentAsync(admin);
        var quiet = await http.CreateAgentAsync(admin);

        var statuses = new List<HttpStatusCode>();
        var started = System.Diagnostics.Stopwatch.StartNew();
        HttpResponseMessage? limited = null;
        for (var i = 0; i < 6; i++)
        {
            var response = await http.RequestTokenAsync(busy.ClientId, busy.ClientSecret);
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) limited ??= response;
            else response.Dispose();
        }
        var refillAllowance = (int)Math.Ceiling(started.Elapsed.TotalSeconds);
        using var other = await http.RequestTokenAsync(quiet.ClientId, quiet.ClientSecret);

        // A burst of three, plus whatever one token a second refilled while the loop ran.
        Assert.InRange(statuses.Count(s => s == HttpStatusCode.OK), 3, 3 + refillAllowance);
        Assert.NotNull(limited);
        Assert.True(limited!.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        Assert.Equal("slow_down", JsonNode.Parse(await limited.Content.ReadAsStringAsync())!["error"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
        limited.Dispose();
    }
}
