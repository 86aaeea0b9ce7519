using System.Globalization;
using System.Xml.Linq;
using AgentIdP.InteropKit.Running;

namespace AgentIdP.InteropKit.Reports;

/// <summary>junit.xml: a testsuite per feature, a testcase per scenario named with its requirement ids and level, as CI servers read it.</summary>
public static class JUnitReport
{
    public const string FileName = "junit.xml";

    public static XDocument Build(KitReport report)
    {
        var suites = report.Results.GroupBy(r => r.Scenario.Feature).Select(feature => new XElement("testsuite",
            new XAttribute("name", feature.Key.Title),
            Counts(feature.ToList()),
            new XAttribute("timestamp", report.StartedAt.UtcDateTime.ToString("s", CultureInfo.InvariantCulture)),
            feature.Select(Case)));
        return new XDocument(new XDeclaration("1.0", "utf-8", null), new XElement("testsuites",
            new XAttribute("name", $"AgentIdP interoperability kit: {Profile.Name}"),
            Counts(report.Results),
            new XElement("properties",
                Property("target", report.Options.BaseUrl.AbsoluteUri),
                Property("resultLevel", report.Level.Name()),
                Property("specVersions.a2a", Profile.A2A),
                Property("specVersions.oasf", Profile.Oasf),
                Property("specVersions.agntcyIdentity", Profile.AgntcyIdentity)),
            suites));
    }

    public static void Write(KitReport report, string path) => Build(report).Save(path);

    private static XElement Case(ScenarioResult result)
    {
        var element = new XElement("testcase",
            new XAttribute("classname", result.Scenario.Feature.Title),
            new XAttribute("name", $"[{string.Join(" ", result.Scenario.Requirements)} {result.Scenario.Level?.Tag()}] {result.Scenario.Name}"),
            new XAttribute("time", Seconds(result.Duration.TotalSeconds)));
        if (result.Outcome == Outcome.Failed) element.Add(new XElement("failure", new XAttribute("message", result.Message ?? ""), result.Message));
        if (result.Outcome == Outcome.Skipped) element.Add(new XElement("skipped", new XAttribute("message", result.Message ?? "")));
        return element;
    }

    private static XAttribute[] Counts(IReadOnlyCollection<ScenarioResult> results) =>
    [
        new("tests", results.Count),
        new("failures", results.Count(r => r.Outcome == Outcome.Failed)),
        new("errors", 0),
        new("skipped", results.Count(r => r.Outcome == Outcome.Skipped)),
        new("time", Seconds(results.Sum(r => r.Duration.TotalSeconds))),
    ];

    private static XElement Property(string name, string value) => new("property", new XAttribute("name", name), new XAttribute("value", value));

    private static string Seconds(double seconds) => seconds.ToString("0.000", CultureInfo.InvariantCulture);
}
