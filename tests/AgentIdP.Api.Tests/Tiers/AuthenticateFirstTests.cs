using System.Net;
using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using AgentIdP.Api.Tiers;
using AgentIdP.TestSupport;

namespace AgentIdP.Api.Tests.Tiers;

/// <summary>The tenant a request counts against comes from who authenticated, never from what the request names.</summary>
public sealed class AuthenticateFirstTests
{
    [Fact]
    public async Task A_token_request_carrying_another_tenants_bearer_token_is_charged_to_the_client_that_authenticated()
    {
        await using var api = TierEnforcementTests.Enforcing(await ApiFactory.CreateAsync());
        using var http = api.CreateClient();
        var x = await http.CreateTenantAsync("X");
        var z = await http.CreateTenantAsync("Z");
        var xToken = await http.AdminTokenAsync(x);
        var zAgent = await http.CreateAgentAsync(await http.AdminTokenAsync(z));
        var redis = (await Servers.SharedAsync()).RedisConnectionString;
        var (xBefore, zBefore) = (await TierEnforcementTests.TodaysCountAsync(redis, x.TenantId), await TierEnforcementTests.TodaysCountAsync(redis, z.TenantId));

        using var request = new HttpRequestMessage(HttpMethod.Post, "/oauth2/token")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials", ["client_id"] = zAgent.ClientId, ["client_secret"] = zAgent.ClientSecret,
            }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", xToken);
        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(xBefore, await TierEnforcementTests.TodaysCountAsync(redis, x.TenantId));
        Assert.Equal(zBefore + 1, await TierEnforcementTests.TodaysCountAsync(redis, z.TenantId));
    }

    [Fact]
    public async Task Over_its_daily_quota_a_tenant_can_still_get_an_admin_token_read_its_plan_and_start_an_upgrade()
    {
        await using var stripe = await FakeStripe.StartAsync();
        await using var api = TierEnforcementTests.Enforcing(await ApiFactory.CreateAsync());
        stripe.Configure(api);
        using var http = api.CreateClient();
        var tenant = await http.CreateTenantAsync();
        var agent = await http.CreateAgentAsync(await http.AdminTokenAsync(tenant));
        await TierEnforcementTests.SetTodaysCountAsync((await Servers.SharedAsync()).RedisConnectionString, Tier.Free, tenant.TenantId, TierConfig.Free.DailyQuota);

        var admin = await http.AdminTokenAsync(tenant);
        using var own = await http.SendAsync(TestApi.Authorized(HttpMethod.Get, "/api/tenant", admin));
        var billing = await http.SendJsonAsync(HttpMethod.Get, "/api/billing", admin);
        var upgrade = await http.SendJsonAsync(HttpMethod.Post, "/api/billing/upgrade", admin,
            new { tier = "pro", successUrl = "https://portal.example/return", cancelUrl = "https://portal.example/usage" });
        using var agents = await http.SendAsync(TestApi.Authorized(HttpMethod.Get, "/api/agents", admin));
        using var agentToken = await http.RequestTokenAsync(agent.ClientId, agent.ClientSecret);

        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.True(billing["callsToday"]!.GetValue<long>() > TierConfig.Free.DailyQuota);
        Assert.Equal("checkout", upgrade["status"]!.GetValue<string>());
        // Everything else stays refused until midnight UTC or the upgrade, the agent's token requests included.
        Assert.Equal(HttpStatusCode.TooManyRequests, agents.StatusCode);
        Assert.Equal("daily_quota", JsonNode.Parse(await agents.Content.ReadAsStringAsync())!["limit"]!.GetValue<string>());
        Assert.Equal(HttpStatusCode.TooManyRequests, agentToken.StatusCode);
    }

    [Fact]
    public async Task Wrong_secrets_naming_a_tenants_clients_are_throttled_on_their_own_and_never_charge_the_tenant()
    {
        await using var api = TierEnforcementTests.Enforcing(await ApiFactory.CreateAsync());
        api.Settings["Tiers:FailedAuthenticationPerClient:PerSecond"] = "1";
        api.Settings["Tiers:FailedAuthenticationPerClient:Burst"] = "3";
        using var http = api.CreateClient();
        var tenant = await http.CreateTenantAsync();
        var redis = (await Servers.SharedAsync()).RedisConnectionString;
        var before = await TierEnforcementTests.TodaysCountAsync(redis, tenant.TenantId);

        var statuses = new List<HttpStatusCode>();
        HttpResponseMessage? throttled = null;
        for (var i = 0; i < 10; i++)
        {
            var response = await http.RequestTokenAsync(tenant.ClientId, "wrong");
            statuses.Add(response.StatusCode);
            if (response.StatusCode == HttpStatusCode.TooManyRequests) throttled ??= response;
            else response.Dispose();
        }
        using var rightSecret = await http.RequestTokenAsync(tenant.ClientId, tenant.ClientSecret);

        Assert.Equal(HttpStatusCode.Unauthorized, statuses[0]);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.NotNull(throttled);
        Assert.True(throttled!.Headers.RetryAfter?.Delta >= TimeSpan.FromSeconds(1));
        var error = JsonNode.Parse(await throttled.Content.ReadAsStringAsync())!;
        Assert.Equal("slow_down", error["error"]!.GetValue<string>()); // An RFC 6749 body, like the endpoint's other errors.
        Assert.False(throttled.Headers.Contains("RateLimit-Policy"), "a failed authentication is no tenant's: no tier headers");
        Assert.Equal(HttpStatusCode.OK, rightSecret.StatusCode);
        Assert.Equal(before + 1, await TierEnforcementTests.TodaysCountAsync(redis, tenant.TenantId)); // only the authenticated request
        throttled.Dispose();
    }

    [Fact]
    public async Task Anonymous_reads_are_limited_per_source_address()
    {
        await using var api = await ApiFactory.CreateAsync();
        api.Settings["Tiers:PublicReadsPerAddress:PerSecond"] = "1";
        api.Settings["Tiers:PublicReadsPerAddress:Burst"] = "5";
        using var http = api.CreateClient();

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 12; i++)
        {
            using var response = await http.GetAsync("/.well-known/jwks.json");
            statuses.Add(response.StatusCode);
        }
        using var health = await http.GetAsync("/health");

        Assert.InRange(statuses.Count(s => s == HttpStatusCode.OK), 5, 7);
        Assert.Contains(HttpStatusCode.TooManyRequests, statuses);
        Assert.Equal(HttpStatusCode.OK, health.StatusCode); // probes are never limited
    }

    [Fact]
    public async Task Health_says_when_tier_limits_run_in_shadow_mode()
    {
        await using var api = await ApiFactory.CreateAsync(); // TIER_ENFORCEMENT defaults to false
        using var http = api.CreateClient();
        var health = JsonNode.Parse(await (await http.GetAsync("/health")).Content.ReadAsStringAsync())!;
        var tiers = health["checks"]!["tier-enforcement"]!["description"]!.GetValue<string>();
        Assert.StartsWith("Shadow mode", tiers);
        Assert.DoesNotContain("enforced", tiers);
    }
}
