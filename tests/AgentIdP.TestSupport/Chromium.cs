namespace AgentIdP.TestSupport;

/// <summary>Finds the Chromium browser tests drive: <c>AGENTIDP_CHROMIUM</c>, then the Debian package's path.</summary>
public static class Chromium
{
    public static readonly string[] Arguments =
    [
        "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--no-first-run",
    ];

    public static string ExecutablePath()
    {
        var configured = Environment.GetEnvironmentVariable("AGENTIDP_CHROMIUM");
        if (!string.IsNullOrWhiteSpace(configured))
        {
            return File.Exists(configured) ? configured
                : throw new InvalidOperationException($"AGENTIDP_CHROMIUM points to '{configured}', which does not exist.");
        }
        return new[] { "/usr/bin/chromium", "/usr/bin/chromium-browser", "/usr/bin/google-chrome" }.FirstOrDefault(File.Exists)
               ?? throw new InvalidOperationException(
                   "Browser tests need Chromium: 'apt-get install -y chromium' (Debian/Ubuntu) or set AGENTIDP_CHROMIUM.");
    }
}
