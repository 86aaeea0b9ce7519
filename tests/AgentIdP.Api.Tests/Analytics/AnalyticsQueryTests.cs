using System.Net;
using System.Text.Json.Nodes;
using AgentIdP.TestSupport;
using Microsoft.Extensions.Time.Testing;

namespace AgentIdP.Api.Tests.Analytics;

/// <summary>One API whose clock stands still at <see cref="Now"/>, a Wednesday, so every range in these tests is fixed.</summary>
public sealed class FixedClockApi : IAsyncLifetime
{
    public static readonly DateTimeOffset Now = new(2025, 6, 18, 12, 0, 0, TimeSpan.Zero);

    private ApiFactory _api = null!;
    public HttpClient Http { get; private set; } = null!;
    public string Database => _api.DatabaseConnectionString;

    public async Task InitializeAsync()
    {
        _api = (await ApiFactory.CreateAsync()).WithClock(new FakeTimeProvider(Now));
        Http = _api.CreateClient();
    }

    public async Task DisposeAsync()
    {
        Http.Dispose();
        await _api.DisposeAsync();
    }

    /// <summary>A fresh tenant on the given tier, its admin token and a few agents.</summary>
    public async Task<(TestApi.TenantCredentials Tenant, string Admin, Guid[] Agents)> TenantAsync(string tier = "enterprise", int agents = 0, string name = "Acme")
    {
        var tenant = await Http.CreateTenantAsync(name);
        if (tier != "free") await Http.SetTierAsync(tenant.TenantId, tier);
        var admin = await Http.AdminTokenAsync(tenant);
        var ids = new Guid[agents];
        for (var i = 0; i < agents; i++) ids[i] = (await Http.CreateAgentAsync(admin, new { name = $"{name} agent {i}" })).AgentId;
        return (tenant, admin, ids);
    }
}

public sealed class AnalyticsQueryTests(FixedClockApi api) : IClassFixture<FixedClockApi>
{
    private HttpClient Http => api.Http;

    [Fact]
    public async Task Trend_counts_each_utc_day_and_lines_up_the_previous_period_point_for_point()
    {
        var (tenant, admin, agents) = await api.TenantAsync(agents: 1);
        await AnalyticsTestData.InsertAsync(api.Database, tenant.TenantId, agents[0], "2025-06-12", 5);
        await AnalyticsTestData.InsertAsync(api.Database, tenant.TenantId, null, "2025-06-12", 2);
        await AnalyticsTestData.InsertAsync(api.Database, tenant.TenantId, agents[0], "2025-06-18", 7);
        await AnalyticsTestData.InsertAsync(api.Database, tenant.TenantId, agents[0], "2025-06-05", 4); // previous period, first day
        await AnalyticsTestData.InsertAsync(api.Database, tenant.TenantId, agents[0], "2025-06-11", 6); // previous period, last day
        await AnalyticsTestData.InsertAsync(api.Database, tenant.TenantId, agents[0], "2025-06-04", 1000); // before both
        await AnalyticsTestData.InsertAsync(api.Database, tenant.TenantId, agents[0], "2025-06-15", 9, "api_call"); // another metric

        var trend = await Http.GetJsonAsync("/api/analytics/trend?from=2025-06-12&to=2025-06-18", admin);

        var points = trend["points"]!.AsArray();
        Assert.Equal(7, points.Count);
        Assert.Equal("2025-06-12", points[0]!["start"]!.GetValue<string>());
        Assert.Equal([7, 0, 0, 0, 0, 0, 7], points.Select(p => p!["count"]!.GetValue<long>()));
        Assert.Equal([4, 0, 0, 0, 0, 0, 6], points.Select(p => p!["previousCount"]!.GetValue<long>()));
        Assert.Equal("2025-06-05", points[0]!["previousStart"]!.GetValue<string>());
        Assert.Equal(14, trend["total"]!.GetValue<long>());
        var previous = trend["previous"]!;
        Assert.Equal("2025-06-05", previous["from"]!.GetValue<string>());
        Assert.Equal("2025-06-11", previous["to"]!.GetValue<string>());
        Assert.Equal(10, previous["total"]!.GetValue<long>());
        Assert.True(previous["complete"]!.GetValue<bool>());
        Assert.Equal(40.0, previous["changePercent"]!.GetValue<double>());

        var apiCalls = await Http.GetJsonAsync("/api/analytics/trend?from=2025-06-12&to=2025-06-18&metric=api_call", admin);
        Assert.Equal(9, apiCalls["total"]!.GetValue<long>());
    }

    [Fact]
    public async Task Week_buckets_follow_iso_weeks_clipped_to_the_range()
    {
        var (tenant, admin, agents) = await api.TenantAsync(agents: 1);
        // 2025-06-04 is a Wednesday; the week edges are Sunday 06-08 / Monday 06-09 and Sunday 06-15 / Monday 06-16.
        foreach (var (day, count) in new[] { ("2025-06-04", 1L), ("2025-06-08", 2L), ("2025-06-09", 4L), ("2025-06-15", 8L), ("2025-06-16", 16L), ("2025-06-18", 32L) })
        {
            await AnalyticsTestData.InsertAsync(api.Database, tenant.TenantId, agents[0], day, count);
        }
        await AnalyticsTestData.InsertAsync(api.Database, tenant.TenantId, agents[0], "2025-05-20", 64); // previous period (15 days earlier)

        var trend = await Http.GetJsonAsync("/api/analytics/trend?from=2025-06-04&to=2025-06-18&bucket=week", admin);

        var points = trend["points"]!.AsArray();
        Assert.Equal("week", trend["bucket"]!.GetValue<string>());
        Assert.Equal(["2025-06-04", "2025-06-09", "2025-06-16"], points.Select(p => p!["start"]!.GetValue<string>()));
        Assert.Equal(["2025-06-08", "2025-06-15", "2025-06-18"], points.Select(p => p!["end"]!.GetValue<string>()));
        Assert.Equal([3, 12, 48], points.Select(p => p!["count"]!.GetValue<long>()));
        Assert.Equal(["2025-05-20", "2025-05-25", "2025-06-01"], points.Select(p => p!["previousStart"]!.GetValue<string>()));
        Assert.Equal([64, 0, 0], points.Select(p => p!["previousCount"]!.GetValue<long>()));
    }

    [Fact]
    public async Task The_agent_filter_counts_only_that_agent_and_another_tenants_agent_is_not_found()
    {
        var (tenant, admin, agents) = await api.TenantAsync(agents: 2);
        var (_, _, theirAgents) = await api.TenantAsync(agents: 1, name: "Rival");
        await AnalyticsTestData.InsertAsync(api.Database, tenant.TenantId, agents[0], "2025-06-17", 3);
        await AnalyticsTestData.InsertAsync(api.Database, tenant.TenantId, agents[1], "2025-06-17", 30);
        await AnalyticsTestData.InsertAsync(api.Database, tenant.TenantId, null, "2025-06-17", 300);

        var one = await Http.GetJsonAsync($"/api/analytics/trend?from=2025-06-17&to=2025-06-18&agentId={agents[0]}", admin);
        var all = await Http.GetJsonAsync("/api/analytics/trend?from=2025-06-17&to=2025-06-18", admin);
        var (status, body) = await Http.GetRawAsync($"/api/analytics/trend?from=2025-06-17&to=2025-06-18&agentId={theirAgents[0]}", admin);
        var (csvStatus, _) = await Http.GetRawAsync($"/api/analytics/trend.csv?agentId={theirAgents[0]}", admin);

        Assert.Equal(3, one["total"]!.GetValue<long>());
        Assert.Equal(agents[0].ToString(), one["agentId"]!.GetValue<string>());
        Assert.Equal(333, all["total"]!.GetValue<long>());
        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.DoesNotContain("Rival", body);
        Assert.Equal(HttpStatusCode.NotFound, csvStatus);
    }

    [Fact]
    public async Task Another_tenants_rollups_never_appear_in_trend_heatmap_summary_or_csv()
    {
        var (mine, admin, myAgents) = await api.TenantAsync(agents: 1);
        var (theirs, _, theirAgents) = await api.TenantAsync(agents: 1, name: "Falcon");
        await AnalyticsTestData.InsertAsync(api.Database, mine.TenantId, myAgents[0], "2025-06-18", 1);
        foreach (var metric in new[] { "token_issued", "api_call", "token_denied" })
        {
            await AnalyticsTestData.InsertAsync(api.Database, theirs.TenantId, theirAgents[0], "2025-06-18", 987_654, metric);
            await AnalyticsTestData.InsertAsync(api.Database, theirs.TenantId, null, "2025-06-17", 987_654, metric);
        }

        foreach (var path in new[] { "/api/analytics/trend", "/api/analytics/trend?bucket=week", "/api/analytics/heatmap", "/api/analytics/summary", "/api/analytics/trend.csv" })
        {
            var (status, body) = await Http.GetRawAsync(path, admin);
            Assert.Equal(HttpStatusCode.OK, status);
            Assert.DoesNotContain("987654", body);
            Assert.DoesNotContain("Falcon", body);
            Assert.DoesNotContain(theirAgents[0].ToString(), body);
        }
        var heatmap = await Http.GetJsonAsync("/api/analytics/heatmap", admin);
        Assert.Equal([myAgents[0].ToString()], heatmap["agents"]!.AsArray().Select(a => a!["agentId"]!.GetValue<string>()));
    }

    [Theory]
    [InlineData("from=yesterday", "from must be a date")]
    [InlineData("to=2025-13-01", "to must be a date")]
    [InlineData("from=2025-06-18&to=2025-06-15", "from must not be after to")]
    [InlineData("from=2025-03-01&to=2025-06-18", "at most 90 days")]
    [InlineData("to=2025-06-19", "to must not be after today (2025-06-18")]
    [InlineData("from=2025-06-11", "from must not be before 2025-06-12: the free tier keeps 7 days")]
    [InlineData("from=2025-06-01&to=2025-06-05", "to must not be before 2025-06-12")]
    [InlineData("bucket=month", "bucket must be day or week")]
    [InlineData("agentId=not-a-uuid", "agentId must be a UUID")]
    [InlineData("metric=logins", "metric must be one of: token_issued")]
    public async Task Bad_trend_parameters_are_400_problems_naming_the_parameter(string query, string expected)
    {
        var (_, admin, _) = await api.TenantAsync(tier: "free");

        foreach (var path in new[] { "/api/analytics/trend", "/api/analytics/trend.csv" })
        {
            var (status, body) = await Http.GetRawAsync($"{path}?{query}", admin);
            Assert.Equal(HttpStatusCode.BadRequest, status);
            Assert.Contains(expected, JsonNode.Parse(body)!["detail"]!.GetValue<string>());
        }
    }

    [Theory]
    [InlineData("top=0", "top must be between 1 and 50")]
    [InlineData("top=51", "top must be between 1 and 50")]
    [InlineData("from=2025-01-01", "at most 90 days")]
    [InlineData("to=2025-06-30", "to must not be after today")]
    public async Task Bad_heatmap_parameters_are_400_problems_naming_the_parameter(string query, string expected)
    {
        var (_, admin, _) = await api.TenantAsync();

        var (status, body) = await Http.GetRawAsync($"/api/analytics/heatmap?{query}", admin);

        Assert.Equal(HttpStatusCode.BadRequest, status);
        Assert.Contains(expected, JsonNode.Parse(body)!["detail"]!.GetValue<string>());
    }

    [Fact]
    public async Task Without_a_range_the_last_30_days_are_shown_clipped_to_the_tiers_history()
    {
        var (_, free, _) = await api.TenantAsync(tier: "free");
        var (_, enterprise, _) = await api.TenantAsync(tier: "enterprise");

        var freeTrend = await Http.GetJsonAsync("/api/analytics/trend", free);
        var enterpriseTrend = await Http.GetJsonAsync("/api/analytics/trend", enterprise);
        var enterpriseHeatmap = await Http.GetJsonAsync("/api/analytics/heatmap", enterprise);

        Assert.Equal(("2025-06-12", "2025-06-18"), (freeTrend["from"]!.GetValue<string>(), freeTrend["to"]!.GetValue<string>()));
        Assert.False(freeTrend["previous"]!["complete"]!.GetValue<bool>());
        Assert.All(freeTrend["points"]!.AsArray(), p => Assert.Null(p!["previousCount"]));
        Assert.Equal(("2025-05-20", "2025-06-18"), (enterpriseTrend["from"]!.GetValue<string>(), enterpriseTrend["to"]!.GetValue<string>()));
        Assert.Equal(30, enterpriseTrend["points"]!.AsArray().Count);
        Assert.True(enterpriseTrend["previous"]!["complete"]!.GetValue<bool>());
        Assert.Equal(30, enterpriseHeatmap["days"]!.AsArray().Count);
    }

    [Fact]
    public async Task Csv_export_has_a_header_and_one_crlf_line_per_bucket_as_an_attachment()
    {
        var (tenant, admin, agents) = await api.TenantAsync(agents: 1);
        await AnalyticsTestData.InsertAsync(api.Database, tenant.TenantId, agents[0], "2025-06-16", 12);
        await AnalyticsTestData.InsertAsync(api.Database, tenant.TenantId, agents[0], "2025-06-13", 5);

        using var response = await Http.SendAsync(TestApi.Authorized(HttpMethod.Get, "/api/analytics/trend.csv?from=2025-06-16&to=2025-06-18", admin));
        var csv = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/csv", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("attachment", response.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal("token_issued-2025-06-16-2025-06-18-day.csv", response.Content.Headers.ContentDisposition?.FileName);
        Assert.Equal(
            "bucket_start,bucket_end,count,previous_start,previous_end,previous_count\r\n" +
            "2025-06-16,2025-06-16,12,2025-06-13,2025-06-13,5\r\n" +
            "2025-06-17,2025-06-17,0,2025-06-14,2025-06-14,0\r\n" +
            "2025-06-18,2025-06-18,0,2025-06-15,2025-06-15,0\r\n", csv);
    }

    [Fact]
    public async Task Heatmap_shows_the_most_active_agents_by_name_and_sums_the_rest_as_other()
    {
        var (tenant, admin, agents) = await api.TenantAsync(agents: 4);
        // Activity is tokens issued plus API calls; denied requests and tenant-level counts are not agent activity.
        await AnalyticsTestData.InsertAsync(api.Database, tenant.TenantId, agents[0], "2025-06-17", 1);
        await AnalyticsTestData.InsertAsync(api.Database, tenant.TenantId, agents[1], "2025-06-17", 50);
        await AnalyticsTestData.InsertAsync(api.Database, tenant.TenantId, agents[1], "2025-06-18", 50, "api_call");
        await AnalyticsTestData.InsertAsync(api.Database, tenant.TenantId, agents[2], "2025-06-18", 20);
        await AnalyticsTestData.InsertAsync(api.Database, tenant.TenantId, agents[3], "2025-06-16", 2);
        await AnalyticsTestData.InsertAsync(api.Database, tenant.TenantId, agents[3], "2025-06-18", 500, "token_denied");
        await AnalyticsTestData.InsertAsync(api.Database, tenant.TenantId, null, "2025-06-18", 5000);

        var heatmap = await Http.GetJsonAsync("/api/analytics/heatmap?from=2025-06-16&to=2025-06-18&top=2", admin);

        Assert.Equal(["2025-06-16", "2025-06-17", "2025-06-18"], heatmap["days"]!.AsArray().Select(d => d!.GetValue<string>()));
        var rows = heatmap["agents"]!.AsArray();
        Assert.Equal([agents[1].ToString(), agents[2].ToString()], rows.Select(r => r!["agentId"]!.GetValue<string>()));
        Assert.Equal("Acme agent 1", rows[0]!["name"]!.GetValue<string>());
        Assert.Equal([0, 50, 50], rows[0]!["counts"].Longs());
        Assert.Equal(100, rows[0]!["total"]!.GetValue<long>());
        Assert.Equal([0, 0, 20], rows[1]!["counts"].Longs());
        var other = heatmap["other"]!;
        Assert.Equal(2, other["agentCount"]!.GetValue<int>());
        Assert.Equal([2, 1, 0], other["counts"].Longs());
    }

    [Fact]
    public async Task Usage_summary_counts_today_and_the_month_so_far_per_metric()
    {
        var (tenant, admin, agents) = await api.TenantAsync(agents: 1);
        await AnalyticsTestData.InsertAsync(api.Database, tenant.TenantId, agents[0], "2025-06-18", 4);
        await AnalyticsTestData.InsertAsync(api.Database, tenant.TenantId, null, "2025-06-18", 1);
        await AnalyticsTestData.InsertAsync(api.Database, tenant.TenantId, agents[0], "2025-06-01", 10);
        await AnalyticsTestData.InsertAsync(api.Database, tenant.TenantId, agents[0], "2025-05-31", 100); // last month
        await AnalyticsTestData.InsertAsync(api.Database, tenant.TenantId, agents[0], "2025-06-18", 7, "rate_limited");

        var summary = await Http.GetJsonAsync("/api/analytics/summary", admin);

        Assert.Equal("2025-06-18", summary["today"]!.GetValue<string>());
        Assert.Equal("2025-06-01", summary["monthStart"]!.GetValue<string>());
        var metrics = summary["metrics"]!.AsArray().ToDictionary(m => m!["metric"]!.GetValue<string>(), m => (m!["today"]!.GetValue<long>(), m["month"]!.GetValue<long>()));
        Assert.Equal(["token_issued", "token_denied", "api_call", "rate_limited", "quota_exceeded"], metrics.Keys);
        Assert.Equal((5L, 15L), metrics["token_issued"]);
        Assert.Equal((7L, 7L), metrics["rate_limited"]);
        Assert.Equal((0L, 0L), metrics["quota_exceeded"]);
    }

    [Fact]
    public async Task Analytics_is_for_tenant_admins_only()
    {
        var (_, admin, _) = await api.TenantAsync();
        var agent = await Http.CreateAgentAsync(admin);
        var agentToken = await Http.TokenAsync(agent.ClientId, agent.ClientSecret);

        using var anonymous = await Http.GetAsync("/api/analytics/summary");
        var (asAgent, _) = await Http.GetRawAsync("/api/analytics/summary", agentToken);
        var (asOperator, _) = await Http.GetRawAsync("/api/analytics/summary", await Http.PlatformTokenAsync());

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Forbidden, asAgent);
        Assert.Equal(HttpStatusCode.Forbidden, asOperator);
    }
}
