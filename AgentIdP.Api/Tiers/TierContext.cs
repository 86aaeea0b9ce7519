using AgentIdP.Api.Auth;
using AgentIdP.Api.Platform;
using Microsoft.AspNetCore.Authentication;

namespace AgentIdP.Api.Tiers;

/// <summary>
/// The tenant a request counts against, taken only from its authenticated principal (a bearer token, or a client
/// authenticated on an OAuth endpoint), never from what the request merely names. One per request (a class, not a
/// record: it carries the request's decision once made, which is no part of its identity).
/// </summary>
public sealed class TierContext(Guid tenantId, Guid? agentId, Tier tier, bool drawsAgentBucket, bool overQuotaAllowed)
{
    public Guid TenantId { get; } = tenantId;
    public Guid? AgentId { get; } = agentId;
    public Tier Tier { get; } = tier;
    public TierLimits Limits => TierConfig.For(Tier);

    /// <summary>An agent's token request: it also takes from the agent's own bucket.</summary>
    public bool DrawsAgentBucket { get; } = drawsAgentBucket;

    /// <summary>Allowed over the daily quota (what a tenant needs to sign in and pay); still counted.</summary>
    public bool OverQuotaAllowed { get; } = overQuotaAllowed;

    /// <summary>Redis' decision, once made; null when Redis was away and the local fallback decided.</summary>
    internal LimitResult? Result { get; set; }

    /// <summary>Permits left in the per-second bucket that decided (Redis' or the local fallback's).</summary>
    internal long Remaining { get; set; }

    public static TierContext? Of(HttpContext context) => context.Features.Get<TierContext>();
}

/// <summary>A request with no authenticated principal: an anonymous read, or a failed authentication.</summary>
/// <param name="NamedClientId">The client id a failed client authentication named (unverified), if any.</param>
internal sealed record Unauthenticated(string Address, bool Failed, string? NamedClientId)
{
    public static Unauthenticated? Of(HttpContext context) => context.Features.Get<Unauthenticated>();
}

/// <summary>Finds, after authentication, whom the limits of a request apply to. Reads memory only.</summary>
internal sealed class TierContextMiddleware(RequestDelegate next, TenantTiers tiers)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var user = context.User;
        if (user.TenantIdOrNull() is { } tenant)
        {
            var agent = user.AgentIdOrNull();
            var metadata = context.GetEndpoint()?.Metadata;
            var issuesTokens = metadata?.GetMetadata<IssuesTokens>() is not null;
            context.Features.Set(new TierContext(tenant, agent, tiers.Get(tenant),
                drawsAgentBucket: issuesTokens && agent is not null,
                overQuotaAllowed: metadata?.GetMetadata<AllowedOverDailyQuota>() is not null || (issuesTokens && agent is null)));
        }
        else if (user.Identity?.IsAuthenticated != true && !IsHealthProbe(context.Request.Path))
        {
            // Cached by the handler: this does not authenticate the request a second time.
            var result = await context.AuthenticateAsync();
            string? named = null;
            result.Properties?.Items.TryGetValue(ApiAuthentication.NamedClientIdItem, out named);
            var address = context.Connection.RemoteIpAddress?.ToString() ?? "unknown";
            context.Features.Set(new Unauthenticated(address, result.Failure is not null, named));
        }
        await next(context);
    }

    private static bool IsHealthProbe(PathString path) =>
        path.StartsWithSegments(Microsoft.Extensions.Hosting.ServiceDefaultsExtensions.HealthPath)
        || path.StartsWithSegments(Microsoft.Extensions.Hosting.ServiceDefaultsExtensions.AlivePath);
}
