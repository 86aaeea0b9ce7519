using AgentIdP.Api.Auth;
using System.Text.Json.Nodes;
using AgentIdP.Api.Analytics;
using AgentIdP.Api.Cluster;
using AgentIdP.Api.Keys;
using AgentIdP.Api.Platform;
using Microsoft.Extensions.Options;

namespace AgentIdP.Api.OAuth;

/// <summary>The OAuth 2.0 surface: token (client credentials), introspection, revocation, metadata and JWKS.</summary>
public static class OAuthEndpoints
{
    public const string TokenPath = "/oauth2/token";
    public const string IntrospectPath = "/oauth2/introspect";
    public const string RevokePath = "/oauth2/revoke";
    public const string JwksPath = "/.well-known/jwks.json";
    public const string OpenIdConfigurationPath = "/.well-known/openid-configuration";
    public const string AuthorizationServerMetadataPath = "/.well-known/oauth-authorization-server";
    public const string ClientCredentials = "client_credentials";

    public static WebApplicationBuilder AddOAuth(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<ClientSecrets>();
        builder.Services.AddSingleton<ClientStore>();
        builder.Services.AddSingleton<ClientAuthenticator>();
        builder.Services.AddSingleton<TokenIssuer>();
        builder.Services.AddSingleton<TokenValidator>();
        builder.Services.AddReplicatedState<RevocationList, TokenRevoked>(RevocationList.PollInterval);
        builder.Services.AddReplicatedState<TokenWatermarks, WatermarkChanged>(TokenWatermarks.PollInterval);
        builder.Services.AddSingleton<TokenStateHousekeeping>();
        builder.Services.AddHostedService(sp => sp.GetRequiredService<TokenStateHousekeeping>());
        builder.AddOAuthAuthentication();
        return builder;
    }

    public static WebApplication MapOAuth(this WebApplication app)
    {
        var oauth = app.MapGroup("").WithTags("OAuth 2.0").DisableAntiforgery();
        oauth.MapPost(TokenPath, Token).WithSummary("Token endpoint (client_credentials)").Produces<TokenResponse>()
            .WithMetadata(IssuesTokens.Instance, OAuthLimitAnswer.Instance);
        oauth.MapPost(IntrospectPath, Introspect).WithSummary("Token introspection (RFC 7662)").WithMetadata(OAuthLimitAnswer.Instance);
        oauth.MapPost(RevokePath, Revoke).WithSummary("Token revocation (RFC 7009)").WithMetadata(OAuthLimitAnswer.Instance);
        oauth.MapGet(JwksPath, Jwks).WithSummary("JSON Web Key Set");
        oauth.MapGet(OpenIdConfigurationPath, Metadata).WithSummary("OpenID Provider metadata");
        oauth.MapGet(AuthorizationServerMetadataPath, Metadata).WithSummary("OAuth 2.0 Authorization Server metadata (RFC 8414)");
        return app;
    }

    /// <summary>
    /// Issues a token to the client the authentication layer authenticated. Its limits (the tenant's, and an agent's own
    /// bucket) were applied before this handler ran; refusals there are RFC 6749 bodies too (<see cref="OAuthLimitAnswer"/>).
    /// </summary>
    private static async Task<IResult> Token(HttpContext context, TokenIssuer issuer, AnalyticsRecorder analytics)
    {
        var (client, form, failure) = await ClientAuthenticationHandler.ClientOfAsync(context);
        if (client is null) return failure!;

        // A known client refused from here on counts as a denied token request for its tenant (and agent).
        IResult Denied(OAuthError refusal)
        {
            if (client.TenantId is { } tenant) analytics.Record(tenant, client.AgentId, AnalyticsMetric.TokenDenied);
            return refusal.ToResult();
        }

        var grantType = form["grant_type"].ToString();
        if (grantType.Length == 0) return Denied(new OAuthError(OAuthError.InvalidRequest, "grant_type is missing."));
        if (grantType != ClientCredentials)
        {
            return Denied(new OAuthError(OAuthError.UnsupportedGrantType, $"Only the {ClientCredentials} grant is supported."));
        }

        var requested = form["scope"].ToString();
        string scope;
        if (string.IsNullOrWhiteSpace(requested))
        {
            scope = string.Join(' ', client.Scopes);
        }
        else
        {
            var asked = requested.Split(' ', StringSplitOptions.RemoveEmptyEntries);
            var notGranted = asked.Where(s => !client.HasScope(s)).ToList();
            if (notGranted.Count > 0)
            {
                return Denied(new OAuthError(OAuthError.InvalidScope,
                    $"The client is not granted: {string.Join(' ', notGranted.Take(5).Select(s => s.Length > 64 ? s[..64] : s))}."));
            }
            scope = string.Join(' ', asked.Distinct());
        }

        var token = issuer.Issue(client, scope);
        if (client.TenantId is { } issuedTenant) analytics.Record(issuedTenant, client.AgentId, AnalyticsMetric.TokenIssued);
        context.Response.Headers.CacheControl = "no-store";
        context.Response.Headers.Pragma = "no-cache";
        return TypedResults.Json(new TokenResponse(token, "Bearer", issuer.LifetimeSeconds, scope), OAuthJson.Default.TokenResponse);
    }

    private static async Task<IResult> Introspect(HttpContext context, TokenValidator validator)
    {
        var (caller, form, failure) = await ClientAuthenticationHandler.ClientOfAsync(context);
        if (caller is null) return failure!;

        var identity = await validator.ValidateAsync(form["token"].ToString());
        // A token of another tenant is "not active" to this caller: it learns nothing about it.
        if (identity is null || !MayInspect(caller, identity)) return TypedResults.Json(new JsonObject { ["active"] = false });

        var body = new JsonObject { ["active"] = true, ["token_type"] = "Bearer" };
        foreach (var claim in new[] { Claims.Issuer, Claims.Subject, Claims.Audience, Claims.ClientId, Claims.Scope, Claims.TokenId, Claims.TenantId, Claims.AgentId })
        {
            if (identity.FindFirst(claim)?.Value is { } value) body[claim] = value;
        }
        foreach (var claim in new[] { Claims.Expires, Claims.IssuedAt, Claims.NotBefore })
        {
            if (long.TryParse(identity.FindFirst(claim)?.Value, out var value)) body[claim] = value;
        }
        context.Response.Headers.CacheControl = "no-store";
        return TypedResults.Json(body);
    }

    private static async Task<IResult> Revoke(HttpContext context, TokenValidator validator, RevocationList revocations)
    {
        var (caller, form, failure) = await ClientAuthenticationHandler.ClientOfAsync(context);
        if (caller is null) return failure!;
        if (!form.ContainsKey("token")) return new OAuthError(OAuthError.InvalidRequest, "token is missing.").ToResult();

        // RFC 7009 §2.2: an invalid or unknown token is not an error; the answer is 200 either way.
        var identity = await validator.ValidateAsync(form["token"].ToString());
        if (identity is null) return TypedResults.Ok();
        if (!MayInspect(caller, identity))
        {
            return new OAuthError(OAuthError.UnauthorizedClient, "The token was not issued to this client or its tenant.").ToResult(403);
        }
        var jti = identity.FindFirst(Claims.TokenId)!.Value;
        var exp = DateTimeOffset.FromUnixTimeSeconds(long.Parse(identity.FindFirst(Claims.Expires)!.Value, System.Globalization.CultureInfo.InvariantCulture));
        Guid? tenant = Guid.TryParse(identity.FindFirst(Claims.TenantId)?.Value, out var t) ? t : null;
        await revocations.RevokeAsync(jti, tenant, exp, context.RequestAborted);
        return TypedResults.Ok();
    }

    /// <summary>The token's own client, an admin of its tenant, or the platform operator.</summary>
    private static bool MayInspect(ClientRecord caller, System.Security.Claims.ClaimsIdentity token) => caller.Kind switch
    {
        ClientKind.PlatformAdmin => true,
        ClientKind.TenantAdmin => token.FindFirst(Claims.TenantId)?.Value == caller.TenantId?.ToString(),
        _ => token.FindFirst(Claims.ClientId)?.Value == caller.ClientId,
    };

    private static IResult Jwks(HttpContext context, SigningKeyStore keys)
    {
        context.Response.Headers.CacheControl = "public, max-age=300";
        return Results.Bytes(keys.JwksJson.ToArray(), "application/jwk-set+json");
    }

    private static IResult Metadata(IOptions<IdentityOptions> options)
    {
        var issuer = options.Value.IssuerWithoutSlash;
        string[] authMethods = ["client_secret_basic", "client_secret_post", "private_key_jwt"];
        return TypedResults.Json(new JsonObject
        {
            ["issuer"] = issuer,
            ["token_endpoint"] = issuer + TokenPath,
            ["jwks_uri"] = issuer + JwksPath,
            ["introspection_endpoint"] = issuer + IntrospectPath,
            ["revocation_endpoint"] = issuer + RevokePath,
            ["grant_types_supported"] = new JsonArray(ClientCredentials),
            ["response_types_supported"] = new JsonArray("token"),
            ["token_endpoint_auth_methods_supported"] = new JsonArray([.. authMethods.Select(m => (JsonNode)m)]),
            ["token_endpoint_auth_signing_alg_values_supported"] = new JsonArray("ES256", "RS256", "PS256"),
            ["introspection_endpoint_auth_methods_supported"] = new JsonArray([.. authMethods.Select(m => (JsonNode)m)]),
            ["revocation_endpoint_auth_methods_supported"] = new JsonArray([.. authMethods.Select(m => (JsonNode)m)]),
            ["scopes_supported"] = new JsonArray(Scopes.PlatformAdmin, Scopes.TenantAdmin, Scopes.A2AInvoke),
            ["subject_types_supported"] = new JsonArray("public"),
            ["id_token_signing_alg_values_supported"] = new JsonArray(SigningKey.Algorithm),
            ["claims_supported"] = new JsonArray(Claims.Issuer, Claims.Subject, Claims.Audience, Claims.Expires, Claims.IssuedAt,
                Claims.TokenId, Claims.Scope, Claims.ClientId, Claims.TenantId, Claims.AgentId),
        });
    }
}
