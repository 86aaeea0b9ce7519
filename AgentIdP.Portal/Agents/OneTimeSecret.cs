using System.Text.Json;
using Microsoft.AspNetCore.Mvc.ViewFeatures;

namespace AgentIdP.Portal.Agents;

/// <summary>
/// A client secret to show exactly once, on the page the create or rotate POST redirects to. It travels in
/// TempData (an encrypted cookie) for that one redirect and is read without Peek/Keep, so the response that shows
/// it also deletes it; it never goes into a URL.
/// </summary>
public sealed record OneTimeSecret(string AgentName, string ClientId, string ClientSecret, DateTimeOffset? PreviousSecretExpiresAt, bool TokensRevoked = false)
{
    private const string TempDataKey = "agentidp.one-time-secret";

    public override string ToString() => $"{nameof(OneTimeSecret)} {{ ClientId = {ClientId} }}";

    public void Store(ITempDataDictionary tempData) => tempData[TempDataKey] = JsonSerializer.Serialize(this);

    /// <summary>Reads and removes the secret; null when there is none or it was already shown.</summary>
    public static OneTimeSecret? Take(ITempDataDictionary tempData) =>
        tempData[TempDataKey] is string json ? JsonSerializer.Deserialize<OneTimeSecret>(json) : null;
}
