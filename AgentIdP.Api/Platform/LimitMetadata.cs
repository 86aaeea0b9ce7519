namespace AgentIdP.Api.Platform;

/// <summary>Why a limit refused a request: what the endpoint's own error shape needs to say it.</summary>
/// <param name="Limit">The limit's id, e.g. <c>requests_per_second</c>, <c>daily_quota</c>, <c>failed_authentication</c>.</param>
/// <param name="Extensions">Extra members for a ProblemDetails answer (tier, upgrade path); OAuth answers leave them out.</param>
public sealed record LimitRefusal(string Limit, string Title, string Detail, long RetryAfterSeconds, IReadOnlyDictionary<string, object?> Extensions);

/// <summary>
/// Endpoint metadata: writes a limit's refusal (429) in the endpoint's own error shape. Endpoints without it answer
/// ProblemDetails; the OAuth endpoints answer RFC 6749 error bodies.
/// </summary>
public interface ILimitRefusalWriter
{
    Task WriteAsync(HttpContext context, LimitRefusal refusal);
}

/// <summary>
/// Endpoint metadata on the token endpoint. An agent's token request also draws from the agent's own bucket; a tenant
/// admin's is allowed over the daily quota, so a tenant that has used it up can still sign in and upgrade.
/// </summary>
public sealed class IssuesTokens
{
    public static readonly IssuesTokens Instance = new();
}

/// <summary>Endpoint metadata: allowed over the tenant's daily quota (the per-second limit still applies).</summary>
public sealed class AllowedOverDailyQuota
{
    public static readonly AllowedOverDailyQuota Instance = new();
}

public static class LimitMetadataExtensions
{
    /// <summary>Lets a tenant reach this endpoint over its daily quota: what it needs to sign in and pay.</summary>
    public static TBuilder AllowOverDailyQuota<TBuilder>(this TBuilder builder) where TBuilder : IEndpointConventionBuilder =>
        builder.WithMetadata(AllowedOverDailyQuota.Instance);
}
