using System.Xml.Linq;
using AgentIdP.InteropKit.Reports;
using AgentIdP.InteropKit.Running;
using AgentIdP.TestSupport;
using Microsoft.Playwright;

namespace AgentIdP.InteropKit.Tests.AgainstAgentIdP;

/// <summary>The kit's command line against AgentIdP's own API, and the reports it leaves behind.</summary>
[Collection(AgentIdPCollection.Name)]
public sealed class FullRunTests(AgentIdPTarget target, Xunit.Abstractions.ITestOutputHelper log)
{
    [Fact]
    public async Task A_full_run_against_AgentIdP_passes_every_MUST_and_exits_0()
    {
        var run = await target.FullRun;
        log.WriteLine(run.Output);

        Assert.True(run.ExitCode == 0, run.Output + run.Error);
        Assert.Empty(run.Error);
        var report = run.JsonReport;
        Assert.NotEqual(ResultLevel.NonCompliant.Name(), report["result"]!["level"]!.GetValue<string>());
        Assert.DoesNotContain(report["requirements"]!.AsArray(), r => r!["level"]!.GetValue<string>() == "MUST" && r["outcome"]!.GetValue<string>() == "failed");
        Assert.Equal("1.0", report["specVersions"]!["a2a"]!.GetValue<string>());
        Assert.Equal("1.0.0", report["specVersions"]!["oasf"]!.GetValue<string>());
        Assert.Equal("v1alpha1", report["specVersions"]!["agntcyIdentity"]!.GetValue<string>());
        Assert.Contains($"{ConsoleProgress.ResultPrefix}{report["result"]!["level"]!.GetValue<string>()}", run.Output);
    }

    [Fact]
    public async Task The_console_prints_a_line_per_scenario_as_the_run_goes()
    {
        var run = await target.FullRun;

        foreach (var scenario in FeatureCatalog.Default.Scenarios)
        {
            Assert.Matches($@"(PASS|FAIL|SKIP) .*{System.Text.RegularExpressions.Regex.Escape(scenario.Name)}  \(\d+ ms\)", run.Output);
        }
    }

    [Fact]
    public async Task The_JUnit_XML_parses_and_its_counts_match_the_console_summary()
    {
        var run = await target.FullRun;

        var junit = XDocument.Load(run.File(JUnitReport.FileName)).Root!;
        var (total, passed, failed, skipped) = run.Summary();
        Assert.Equal(total, (int)junit.Attribute("tests")!);
        Assert.Equal(failed, (int)junit.Attribute("failures")!);
        Assert.Equal(skipped, (int)junit.Attribute("skipped")!);
        Assert.Equal(total, junit.Descendants("testcase").Count());
        Assert.Equal(passed, junit.Descendants("testcase").Count(c => !c.Elements().Any()));
        Assert.Equal(total, junit.Elements("testsuite").Sum(s => (int)s.Attribute("tests")!));
        Assert.Equal(FeatureCatalog.Default.Scenarios.Count(), total);
    }

    [Fact]
    public async Task The_HTML_reports_open_in_Chromium()
    {
        var run = await target.FullRun;
        var level = run.JsonReport["result"]!["level"]!.GetValue<string>();

        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
        {
            ExecutablePath = Chromium.ExecutablePath(), Args = Chromium.Arguments,
        });
        var page = await browser.NewPageAsync();

        await page.GotoAsync(new Uri(run.File(HtmlReport.FileName)).AbsoluteUri);
        Assert.Equal(level, await page.Locator("#result-level").TextContentAsync());
        Assert.Equal(run.JsonReport["requirements"]!.AsArray().Count, await page.Locator("tr.requirement").CountAsync());

        // Reqnroll's own report (Cucumber's HTML formatter) renders the results from the messages it collected, a line per feature file.
        await page.GotoAsync(new Uri(run.File(ReqnrollFormatters.HtmlFile)).AbsoluteUri);
        try
        {
            await page.WaitForFunctionAsync("() => document.body.innerText.includes('10-discovery.feature')", null,
                new PageWaitForFunctionOptions { Timeout = 15_000 });
        }
        catch (TimeoutException)
        {
            Assert.Fail($"Reqnroll's report shows no features; it shows: {await page.InnerTextAsync("body")}");
        }
        var shown = await page.InnerTextAsync("body");
        Assert.All(FeatureCatalog.Default.Features, f => Assert.Contains(f.Uri, shown));
        Assert.Contains($"({run.Summary().Passed} / {run.Summary().Total}) passed", shown);
    }
}
