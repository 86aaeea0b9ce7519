namespace AgentIdP.Portal;

/// <summary>How the portal writes values for people.</summary>
public static class Display
{
    /// <summary>Times are shown in UTC, the zone the API stores and the audit logs use.</summary>
    public static string Time(DateTimeOffset time) =>
        time.ToUniversalTime().ToString("yyyy-MM-dd HH:mm 'UTC'", System.Globalization.CultureInfo.InvariantCulture);
}
