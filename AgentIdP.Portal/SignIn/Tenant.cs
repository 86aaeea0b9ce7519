namespace AgentIdP.Portal.SignIn;

/// <summary>The signed-in admin's tenant, as <c>GET /api/tenant</c> describes it.</summary>
public sealed record Tenant(string Id, string Name, string? Tier, DateTimeOffset CreatedAt);
