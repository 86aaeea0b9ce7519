namespace AgentIdP.Portal.Agents;

/// <summary>An agent as the API describes it.</summary>
public sealed record Agent(
    Guid Id,
    string ClientId,
    string Name,
    string? Description,
    string Status,
    IReadOnlyList<string> Scopes,
    string? Did,
    string? DidDocumentUrl,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt)
{
    public bool IsActive => Status == AgentStatus.Active;
}

public static class AgentStatus
{
    public const string Active = "active";
    public const string Disabled = "disabled";
}

/// <summary>One page of <c>GET /api/agents</c>.</summary>
public sealed record AgentPage(IReadOnlyList<Agent> Items, int Page, int PageSize, long Total)
{
    public int TotalPages => Math.Max(1, (int)Math.Ceiling(Total / (double)Math.Max(1, PageSize)));
}

/// <summary>Body of <c>POST /api/agents</c>.</summary>
public sealed record NewAgent(string Name, string? Description, IReadOnlyList<string>? Scopes);

/// <summary>Answer to <c>POST /api/agents</c>: the agent and its secret, which the API never shows again.</summary>
public sealed record CreatedAgent(Agent Agent, string ClientSecret)
{
    public override string ToString() => $"{nameof(CreatedAgent)} {{ Agent = {Agent.Id} }}";
}

/// <summary>
/// Answer to the rotate endpoint: the new secret, until when the previous one still works, and whether every token
/// issued to the client before the rotation was ended with it.
/// </summary>
public sealed record RotatedSecret(string ClientId, string ClientSecret, DateTimeOffset? PreviousSecretExpiresAt, bool TokensRevoked = false)
{
    public override string ToString() => $"{nameof(RotatedSecret)} {{ ClientId = {ClientId} }}";
}

/// <summary>
/// Body of the rotate endpoint; an empty object lets the API pick its default grace period. With
/// <paramref name="RevokeTokens"/> the old secret and every token issued with it end at once (for a leaked secret).
/// </summary>
public sealed record RotateSecret(int? GracePeriodSeconds = null, bool? RevokeTokens = null);
