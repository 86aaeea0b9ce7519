using System.Net;
using System.Text;
using AgentIdP.InteropKit.Running;

namespace AgentIdP.InteropKit.Reports;

/// <summary>report.html: one self-contained page (no scripts, no external files) a partner can open or attach to a ticket.</summary>
public static class HtmlReport
{
    public const string FileName = "report.html";

    private const string Style = """
        body{font-family:system-ui,sans-serif;margin:2rem;color:#1b1f24;max-width:72rem}
        h1{font-size:1.5rem}table{border-collapse:collapse;width:100%;margin:1rem 0}
        th,td{border:1px solid #d0d7de;padding:.35rem .6rem;text-align:left;vertical-align:top}
        th{background:#f6f8fa}.passed{color:#1a7f37}.failed{color:#cf222e;font-weight:600}.skipped{color:#6e7781}
        .banner{padding:1rem;border-radius:.5rem;font-size:1.2rem;margin:1rem 0}
        .banner.NON_COMPLIANT{background:#ffebe9}.banner.MANDATORY{background:#fff8c5}
        .banner.RECOMMENDED,.banner.FULL{background:#dafbe1}.why{color:#57606a;font-size:.9rem}
        """;

    public static string Build(KitReport report)
    {
        var html = new StringBuilder();
        html.Append($"""
            <!DOCTYPE html>
            <html lang="en"><head><meta charset="utf-8"><title>Interop kit report: {E(report.Level.Name())}</title><style>{Style}</style></head>
            <body>
            <h1>AgentIdP interoperability kit report</h1>
            <p>{E(Profile.Name)} against A2A {Profile.A2A}, OASF {Profile.Oasf}, AGNTCY Identity {Profile.AgntcyIdentity}.
            Target <code>{E(report.Options.BaseUrl.AbsoluteUri)}</code>, run {report.StartedAt:u}, level {report.Options.Level.Tag()}, tags {E(report.Options.Tags ?? "(all)")}.</p>
            <div class="banner {report.Level.Name()}">Result: <strong id="result-level">{report.Level.Name()}</strong>: {E(report.Level.Explain())}</div>
            <h2>Summary</h2>
            <table id="summary"><tr><th>level</th><th>scenarios</th><th>passed</th><th>failed</th><th>skipped</th></tr>
            """);
        foreach (var level in RequirementLevels.All)
        {
            html.Append($"<tr><td>{level.Tag()}</td><td>{report.Results.Count(r => r.Scenario.Level == level)}</td>"
                + $"<td>{report.Count(level, Outcome.Passed)}</td><td>{report.Count(level, Outcome.Failed)}</td><td>{report.Count(level, Outcome.Skipped)}</td></tr>\n");
        }
        html.Append($"<tr><th>all</th><th>{report.Results.Count}</th><th>{report.Count(Outcome.Passed)}</th><th>{report.Count(Outcome.Failed)}</th>"
            + $"<th>{report.Count(Outcome.Skipped)}</th></tr></table>\n");
        html.Append("<h2>Requirements</h2>\n<table id=\"requirements\"><tr><th>requirement</th><th>level</th><th>outcome</th><th>scenarios</th></tr>\n");
        foreach (var requirement in report.Requirements)
        {
            var outcome = JsonReport.Name(requirement.Outcome);
            html.Append($"<tr class=\"requirement\" data-id=\"{E(requirement.Id)}\" data-outcome=\"{outcome}\"><td>{E(requirement.Id)}</td>"
                + $"<td>{requirement.Level.Tag()}</td><td class=\"{outcome}\">{outcome}</td><td>");
            foreach (var scenario in requirement.Scenarios)
            {
                html.Append($"<div class=\"scenario\"><span class=\"{JsonReport.Name(scenario.Outcome)}\">{JsonReport.Name(scenario.Outcome)}</span> "
                    + $"{E(scenario.Scenario.Feature.Title)}: {E(scenario.Scenario.Name)}");
                if (scenario.Message is not null) html.Append($"<div class=\"why\">{E(scenario.Message)}</div>");
                html.Append("</div>");
            }
            html.Append("</td></tr>\n");
        }
        html.Append("</table>\n</body></html>\n");
        return html.ToString();
    }

    public static void Write(KitReport report, string path) => File.WriteAllText(path, Build(report));

    private static string E(string text) => WebUtility.HtmlEncode(text);
}
