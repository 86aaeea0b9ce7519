namespace AgentIdP.Portal.Usage;

/// <summary>
/// Marks a page whose API calls met the tenant's daily quota, so the layout shows the over-quota banner with the way
/// up. The API still lets an admin over the quota sign in, see the plan and upgrade.
/// </summary>
public static class OverQuota
{
    private static readonly object Key = new();

    public static void Mark(HttpContext context) => context.Items[Key] = true;

    public static bool IsMarked(HttpContext context) => context.Items.ContainsKey(Key);
}
