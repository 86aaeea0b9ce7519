using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace AgentIdP.Portal.Tests.Analytics;

[Collection(PortalCollection.Name)]
public sealed class AnalyticsPageTests(PortalFixture fixture)
{
    // Pixels in the series colour (#2f6fed, a saturated blue), painted at any opacity: the chart really drew.
    private const string CountBluePixels = """
        id => {
          const canvas = document.getElementById(id);
          const data = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
          let blue = 0;
          for (let i = 0; i < data.length; i += 4) {
            if (data[i + 3] > 0 && data[i + 2] > 150 && data[i + 2] - data[i] > 80) blue++;
          }
          return blue;
        }
        """;

    [Fact]
    public async Task The_demo_tenants_analytics_page_draws_both_charts_reloads_them_for_a_new_range_and_downloads_csv()
    {
        await using var browser = await fixture.NewSessionAsync();
        var page = browser.Page;
        await browser.SignInAsync(PortalFixture.DemoAdmin);

        await page.GotoAsync(PortalRoutes.Analytics);
        await ChartsDrawnAsync(page);
        Assert.Equal(30, await page.EvaluateAsync<int>("window.analyticsCharts.trend.data.labels.length"));
        Assert.Equal(30, await page.EvaluateAsync<int>("window.analyticsCharts.heatmap.options.scales.x.labels.length"));
        Assert.Equal(2, await page.EvaluateAsync<int>("window.analyticsCharts.trend.data.datasets.length"));
        Assert.True(await page.EvaluateAsync<int>(CountBluePixels, "trend-chart") > 500, "the trend line chart has no pixels in its colour");
        Assert.True(await page.EvaluateAsync<int>(CountBluePixels, "heatmap-chart") > 500, "the heatmap has no pixels in its colour");
        await Expect(page.Locator("#usage-summary .tile")).ToHaveCountAsync(5);

        await page.SelectOptionAsync("#range", "7");
        await page.WaitForURLAsync("**range=7**");
        await ChartsDrawnAsync(page);
        Assert.Equal(7, await page.EvaluateAsync<int>("window.analyticsCharts.trend.data.labels.length"));
        Assert.Equal(7, await page.EvaluateAsync<int>("window.analyticsCharts.heatmap.options.scales.x.labels.length"));
        Assert.True(await page.EvaluateAsync<int>(CountBluePixels, "trend-chart") > 500);
        Assert.True(await page.EvaluateAsync<int>(CountBluePixels, "heatmap-chart") > 500);

        var download = await page.RunAndWaitForDownloadAsync(() => page.ClickAsync("#csv-download"));
        var lines = (await File.ReadAllTextAsync((await download.PathAsync())!)).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.EndsWith("-day.csv", download.SuggestedFilename);
        Assert.Equal("bucket_start,bucket_end,count,previous_start,previous_end,previous_count", lines[0]);
        Assert.Equal(8, lines.Length);
        Assert.Contains(lines.Skip(1), l => long.Parse(l.Split(',')[2], System.Globalization.CultureInfo.InvariantCulture) > 0);
    }

    [Fact]
    public async Task A_tenant_without_activity_sees_designed_empty_states_and_a_bad_range_shows_the_apis_reason()
    {
        var admin = await fixture.Api.CreateTenantAsync();
        await using var browser = await fixture.NewSessionAsync();
        var page = browser.Page;
        await browser.SignInAsync(admin);

        await page.GotoAsync(PortalRoutes.Analytics);
        await Expect(page.Locator("#trend-empty")).ToContainTextAsync("No tokens issued in this range");
        await Expect(page.Locator("#heatmap-empty")).ToContainTextAsync("No agent activity");
        await Expect(page.Locator("#trend-chart")).ToHaveCountAsync(0);
        await Expect(page.Locator("#chart-error")).ToBeHiddenAsync();

        // A new tenant is on the free tier: 7 days of history.
        await page.GotoAsync($"{PortalRoutes.Analytics}?range=90");
        await Expect(page.Locator("#analytics-error .problem")).ToContainTextAsync("the free tier keeps 7 days of analytics history");
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        await page.GotoAsync($"{PortalRoutes.Analytics}?range=custom&from={today:yyyy-MM-dd}&to={today.AddDays(-1):yyyy-MM-dd}");
        await Expect(page.Locator("#analytics-error .problem")).ToContainTextAsync("from must not be after to");
    }

    private static async Task ChartsDrawnAsync(IPage page)
    {
        await Expect(page.Locator("#trend-chart[data-drawn=true]")).ToHaveCountAsync(1);
        await Expect(page.Locator("#heatmap-chart[data-drawn=true]")).ToHaveCountAsync(1);
        await Expect(page.Locator("#chart-error")).ToBeHiddenAsync();
    }
}
