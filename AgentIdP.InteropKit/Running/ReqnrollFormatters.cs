using System.Text.Json.Nodes;

namespace AgentIdP.InteropKit.Running;

/// <summary>
/// Switches on Reqnroll's own formatters (its HTML report and the Cucumber messages stream) for one run through the
/// <c>REQNROLL_FORMATTERS</c> environment variable, which Reqnroll reads when a run's global container is built.
/// A value the user set themselves wins.
/// </summary>
public static class ReqnrollFormatters
{
    public const string Variable = "REQNROLL_FORMATTERS";
    public const string HtmlFile = "reqnroll-report.html";
    public const string MessagesFile = "reqnroll-messages.ndjson";

    public static IDisposable WriteTo(string? directory)
    {
        if (directory is null || Environment.GetEnvironmentVariable(Variable) is { Length: > 0 }) return new Unset(false);
        var full = Path.GetFullPath(directory);
        Directory.CreateDirectory(full);
        var config = new JsonObject
        {
            ["formatters"] = new JsonObject
            {
                ["html"] = new JsonObject { ["outputFilePath"] = Path.Combine(full, HtmlFile) },
                ["message"] = new JsonObject { ["outputFilePath"] = Path.Combine(full, MessagesFile) },
            },
        };
        Environment.SetEnvironmentVariable(Variable, config.ToJsonString());
        return new Unset(true);
    }

    private sealed class Unset(bool wasSet) : IDisposable
    {
        public void Dispose()
        {
            if (wasSet) Environment.SetEnvironmentVariable(Variable, null);
        }
    }
}
