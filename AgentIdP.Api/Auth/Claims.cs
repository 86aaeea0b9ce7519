namespace AgentIdP.Api.Auth;

/// <summary>Claim names in AgentIdP's tokens.</summary>
public static class Claims
{
    public const string Issuer = "iss";
    public const string Subject = "sub";
    public const string Audience = "aud";
    public const string IssuedAt = "iat";
    public const string NotBefore = "nbf";
    public const string Expires = "exp";
    public const string TokenId = "jti";
    public const string ClientId = "client_id";
    public const string Scope = "scope";
    public const string TenantId = "tenant_id";
    public const string AgentId = "agent_id";
}
