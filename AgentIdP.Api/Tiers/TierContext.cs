using AgentIdP.Api.Auth;
using AgentIdP.Api.OAuth;

namespace AgentIdP.Api.Tiers;

/// <summary>
/// Who a request counts against: the tenant (and agent) from the access token, or for the token endpoint from the
/// client id; requests with neither (discovery, health) count against nobody. One per request (a class, not a record:
/// it carries the request's bucket once looked up, which is no part of its identity).
/// </summary>
public sealed class TierContext(Guid tenantId, Guid? agentId, Tier tier)
{
    public Guid TenantId { get; } = tenantId;
    public Guid? AgentId { get; } = agentId;
    public Tier Tier { get; } = tier;
    public TierLimits Limits => TierConfig.For(Tier);

    /// <summary>The tenant's per-second bucket, once the limiter has looked it up (see <see cref="TierLimiter"/>).</summary>
    internal System.Threading.RateLimiting.RateLimiter? Bucket { get; set; }

    public static TierContext? Of(HttpContext context) => context.Features.Get<TierContext>();
}

/// <summary>Finds the <see cref="TierContext"/> before the limiters run. The client of a token request is read from memory.</summary>
internal sealed class TierContextMiddleware(RequestDelegate next, TenantTiers tiers, ClientStore clients)
{
    public async Task InvokeAsync(HttpContext context)
    {
        var tenant = context.User.TenantIdOrNull();
        Guid? agent = Guid.TryParse(context.User.FindFirst(Claims.AgentId)?.Value, out var a) ? a : null;
        if (tenant is null && HttpMethods.IsPost(context.Request.Method) && context.Request.Path.StartsWithSegments("/oauth2")
            && await ClientIdOfAsync(context.Request) is { } clientId
            && await clients.FindAsync(clientId, context.RequestAborted) is { TenantId: { } t } client)
        {
            tenant = t;
            agent = client.AgentId;
        }
        if (tenant is { } id) context.Features.Set(new TierContext(id, agent, tiers.Get(id)));
        await next(context);
    }

    /// <summary>The client id a token request names, without authenticating it (the endpoint does that).</summary>
    private static async Task<string?> ClientIdOfAsync(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase))
        {
            try
            {
                var decoded = System.Text.Encoding.UTF8.GetString(Convert.FromBase64String(authorization[6..].Trim()));
                var colon = decoded.IndexOf(':');
                return colon > 0 ? Uri.UnescapeDataString(decoded[..colon].Replace('+', ' ')) : null;
            }
            catch (FormatException)
            {
                return null;
            }
        }
        if (!request.HasFormContentType) return null;
        try
        {
            // The form is cached on the request, so the endpoint does not read the body twice.
            var form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
            if (form.TryGetValue("client_id", out var id)) return id.ToString();
            return UnverifiedJwt.TryRead(form["client_assertion"].ToString())?.Subject;
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
        {
            return null;
        }
    }
}
