namespace AgentIdP.Portal.SignIn;

/// <summary>A tenant admin's OAuth client credentials.</summary>
public sealed record ClientCredentials(string ClientId, string ClientSecret)
{
    // Records print every member; the secret must never reach a log line.
    public override string ToString() => $"{nameof(ClientCredentials)} {{ ClientId = {ClientId} }}";
}
