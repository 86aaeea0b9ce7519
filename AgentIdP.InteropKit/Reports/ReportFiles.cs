using AgentIdP.InteropKit.Running;

namespace AgentIdP.InteropKit.Reports;

public static class ReportFiles
{
    /// <summary>Writes the kit's reports into the run's output directory; returns every report file there, Reqnroll's included.</summary>
    public static IReadOnlyList<string> Write(KitReport report)
    {
        if (report.Options.OutDir is not { } directory) return [];
        Directory.CreateDirectory(directory);
        JsonReport.Write(report, Path.Combine(directory, JsonReport.FileName));
        JUnitReport.Write(report, Path.Combine(directory, JUnitReport.FileName));
        HtmlReport.Write(report, Path.Combine(directory, HtmlReport.FileName));
        return [.. new[] { JsonReport.FileName, JUnitReport.FileName, HtmlReport.FileName, ReqnrollFormatters.HtmlFile, ReqnrollFormatters.MessagesFile }
            .Select(f => Path.Combine(directory, f)).Where(File.Exists)];
    }
}
