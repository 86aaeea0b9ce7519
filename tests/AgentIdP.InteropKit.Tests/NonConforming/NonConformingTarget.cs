using System.Buffers.Text;
using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AgentIdP.TestSupport;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace AgentIdP.InteropKit.Tests.NonConforming;

/// <summary>
/// A small identity provider that gets exactly three things wrong and everything else right:
/// its JWKS lacks the key it signs tokens with, its token endpoint accepts a wrong secret for a known client, and its
/// agent card has no description. It serves no OASF records and no compliance report (404, as with compliance off).
/// </summary>
public sealed class NonConformingTarget : IAsyncDisposable
{
    public const string ClientId = "tenant-admin";
    public const string ClientSecret = "the-right-secret";
    private const string TenantId = "4f1c2a9e-0000-4000-8000-000000000001";
    private const string AgentId = "4f1c2a9e-0000-4000-8000-0000000000a1";
    private const string SigningKid = "signing-key";
    private const string PublishedKid = "another-key";
    private const int Lifetime = 600;

    /// <summary>The requirement ids the three mistakes break.</summary>
    public static readonly IReadOnlySet<string> Broken = new HashSet<string>
    {
        "AGT-KEY-001",   // the token's kid is not in the JWKS
        "PLT-TOKEN-002", // so the token does not verify against the JWKS
        "PLT-ERR-001",   // a wrong secret gets a token instead of invalid_client
        "AGT-CARD-001",  // the card lacks its required description
    };

    private readonly WebApplication _app;
    private readonly ECDsa _signingKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _publishedKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ECDsa _agentKey = ECDsa.Create(ECCurve.NamedCurves.nistP256);
    private readonly ConcurrentDictionary<string, (long Exp, bool Revoked)> _tokens = new();

    private NonConformingTarget(int port)
    {
        BaseUrl = new Uri($"http://127.0.0.1:{port}");
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls(Issuer);
        _app = builder.Build();
        Map(_app);
    }

    public Uri BaseUrl { get; }
    private string Issuer => BaseUrl.AbsoluteUri.TrimEnd('/');
    private string Did => $"did:web:127.0.0.1%3A{BaseUrl.Port}:tenants:{TenantId}:agents:{AgentId}";
    private string CardPath => $"/tenants/{TenantId}/agents/{AgentId}/.well-known/agent-card.json";

    public static async Task<NonConformingTarget> StartAsync()
    {
        var target = new NonConformingTarget(ServerProcess.FreePort());
        await target._app.StartAsync();
        return target;
    }

    private void Map(WebApplication app)
    {
        app.MapGet("/.well-known/openid-configuration", Metadata);
        app.MapGet("/.well-known/oauth-authorization-server", Metadata);
        app.MapGet("/.well-known/jwks.json", () => Results.Json(new JsonObject { ["keys"] = new JsonArray(Jwk(_publishedKey, PublishedKid)) }));
        app.MapPost("/oauth2/token", Token);
        app.MapPost("/oauth2/introspect", Introspect);
        app.MapPost("/oauth2/revoke", Revoke);
        app.MapGet("/api/tenant", (HttpRequest r) => Authorized(r)
            ? Results.Json(new { id = TenantId, name = "Not quite", tier = "free", createdAt = "2025-01-01T00:00:00Z" }) : Results.Unauthorized());
        app.MapGet("/api/agents", (HttpRequest r) => Authorized(r) ? Results.Json(new
        {
            items = new[] { new { id = AgentId, clientId = "agt_1", name = "Lopsided", status = "active", did = Did, didDocumentUrl = $"{Issuer}/tenants/{TenantId}/agents/{AgentId}/did.json" } },
            page = 1, pageSize = 100, total = 1,
        }) : Results.Unauthorized());
        app.MapGet($"/tenants/{TenantId}/agents/{AgentId}/did.json", () => Results.Json(new JsonObject
        {
            ["id"] = Did,
            ["verificationMethod"] = new JsonArray(new JsonObject { ["id"] = $"{Did}#agent-key", ["type"] = "JsonWebKey2020", ["controller"] = Did, ["publicKeyJwk"] = Jwk(_agentKey, "agent-key") }),
            ["assertionMethod"] = new JsonArray($"{Did}#agent-key"),
        }));
        app.MapGet(CardPath, Card);
    }

    private IResult Metadata() => Results.Json(new JsonObject
    {
        ["issuer"] = Issuer,
        ["token_endpoint"] = $"{Issuer}/oauth2/token",
        ["jwks_uri"] = $"{Issuer}/.well-known/jwks.json",
        ["introspection_endpoint"] = $"{Issuer}/oauth2/introspect",
        ["revocation_endpoint"] = $"{Issuer}/oauth2/revoke",
        ["grant_types_supported"] = new JsonArray("client_credentials"),
        ["token_endpoint_auth_methods_supported"] = new JsonArray("client_secret_basic", "client_secret_post"),
    });

    private async Task<IResult> Token(HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        var (id, secret) = Credentials(request, form);
        // Mistake: the secret of a known client is never compared.
        if (id != ClientId) return Error(401, "invalid_client");
        _ = secret;
        if (form["grant_type"].ToString() is not { Length: > 0 } grant) return Error(400, "invalid_request");
        if (grant != "client_credentials") return Error(400, "unsupported_grant_type");
        if (form["scope"].ToString() is { Length: > 0 } scope && scope != "tenant:admin") return Error(400, "invalid_scope");

        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var jti = Guid.NewGuid().ToString("N");
        _tokens[jti] = (now + Lifetime, false);
        var header = Encode(new JsonObject { ["alg"] = "ES256", ["typ"] = "at+jwt", ["kid"] = SigningKid });
        var payload = Encode(new JsonObject
        {
            ["iss"] = Issuer, ["sub"] = ClientId, ["aud"] = Issuer, ["exp"] = now + Lifetime, ["iat"] = now, ["jti"] = jti,
            ["scope"] = "tenant:admin", ["client_id"] = ClientId,
        });
        var signature = Base64Url.EncodeToString(_signingKey.SignData(Encoding.ASCII.GetBytes($"{header}.{payload}"), HashAlgorithmName.SHA256));
        request.HttpContext.Response.Headers.CacheControl = "no-store";
        return Results.Json(new { access_token = $"{header}.{payload}.{signature}", token_type = "Bearer", expires_in = Lifetime, scope = "tenant:admin" });
    }

    private async Task<IResult> Introspect(HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        if (Credentials(request, form) != (ClientId, ClientSecret)) return Error(401, "invalid_client");
        if (Active(form["token"].ToString()) is not { } jti) return Results.Json(new { active = false });
        return Results.Json(new { active = true, client_id = ClientId, exp = _tokens[jti].Exp });
    }

    private async Task<IResult> Revoke(HttpRequest request)
    {
        var form = await request.ReadFormAsync();
        if (Credentials(request, form) != (ClientId, ClientSecret)) return Error(401, "invalid_client");
        if (Active(form["token"].ToString()) is { } jti) _tokens[jti] = _tokens[jti] with { Revoked = true };
        return Results.Ok();
    }

    private IResult Card(HttpContext context)
    {
        const string ETag = "\"card-v1\"";
        context.Response.Headers.CacheControl = "public, max-age=60";
        context.Response.Headers.ETag = ETag;
        if (context.Request.Headers.IfNoneMatch == ETag) return Results.StatusCode(304);
        // Mistake: no "description", which A2A 1.0 requires.
        return Results.Json(new JsonObject
        {
            ["name"] = "Lopsided",
            ["version"] = "1.0.0",
            ["supportedInterfaces"] = new JsonArray(new JsonObject { ["url"] = $"{Issuer}/a2a", ["protocolBinding"] = "JSONRPC", ["protocolVersion"] = "1.0" }),
            ["capabilities"] = new JsonObject { ["streaming"] = false },
            ["defaultInputModes"] = new JsonArray("text/plain"),
            ["defaultOutputModes"] = new JsonArray("application/json"),
            ["skills"] = new JsonArray(new JsonObject { ["id"] = "echo", ["name"] = "Echo", ["description"] = "Says it back", ["tags"] = new JsonArray("test") }),
            ["securitySchemes"] = new JsonObject
            {
                ["idp"] = new JsonObject
                {
                    ["oauth2SecurityScheme"] = new JsonObject
                    {
                        ["flows"] = new JsonObject { ["clientCredentials"] = new JsonObject { ["tokenUrl"] = $"{Issuer}/oauth2/token", ["scopes"] = new JsonObject { ["a2a:invoke"] = "Invoke" } } },
                        ["oauth2MetadataUrl"] = $"{Issuer}/.well-known/oauth-authorization-server",
                    },
                },
            },
            ["securityRequirements"] = new JsonArray(new JsonObject { ["schemes"] = new JsonObject { ["idp"] = new JsonObject { ["list"] = new JsonArray("a2a:invoke") } } }),
        });
    }

    private bool Authorized(HttpRequest request) =>
        request.Headers.Authorization.ToString() is { } header && header.StartsWith("Bearer ", StringComparison.Ordinal) && Active(header[7..]) is not null;

    /// <summary>The jti of a token this server issued that is unexpired and not revoked.</summary>
    private string? Active(string token)
    {
        var parts = token.Split('.');
        if (parts.Length != 3) return null;
        try
        {
            var jti = JsonNode.Parse(Base64Url.DecodeFromChars(parts[1]))?["jti"]?.GetValue<string>();
            return jti is not null && _tokens.TryGetValue(jti, out var state) && !state.Revoked && state.Exp > DateTimeOffset.UtcNow.ToUnixTimeSeconds() ? jti : null;
        }
        catch (Exception e) when (e is FormatException or System.Text.Json.JsonException or InvalidOperationException)
        {
            return null;
        }
    }

    private static (string? Id, string? Secret) Credentials(HttpRequest request, IFormCollection form)
    {
        var header = request.Headers.Authorization.ToString();
        if (!header.StartsWith("Basic ", StringComparison.Ordinal)) return (form["client_id"].FirstOrDefault(), form["client_secret"].FirstOrDefault());
        var decoded = Encoding.UTF8.GetString(Convert.FromBase64String(header[6..])).Split(':', 2);
        return (Uri.UnescapeDataString(decoded[0]), decoded.Length > 1 ? Uri.UnescapeDataString(decoded[1].Replace('+', ' ')) : null);
    }

    private static IResult Error(int status, string error) => new ErrorResult(status, error);

    private sealed class ErrorResult(int status, string error) : IResult
    {
        public Task ExecuteAsync(HttpContext context)
        {
            context.Response.StatusCode = status;
            if (status == 401) context.Response.Headers.WWWAuthenticate = "Basic realm=\"test\"";
            return context.Response.WriteAsJsonAsync(new { error, error_description = error.Replace('_', ' ') });
        }
    }

    private static JsonObject Jwk(ECDsa key, string kid)
    {
        var p = key.ExportParameters(includePrivateParameters: false);
        return new JsonObject
        {
            ["kty"] = "EC", ["crv"] = "P-256", ["kid"] = kid, ["use"] = "sig", ["alg"] = "ES256",
            ["x"] = Base64Url.EncodeToString(p.Q.X!), ["y"] = Base64Url.EncodeToString(p.Q.Y!),
        };
    }

    private static string Encode(JsonObject json) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(json.ToJsonString()));

    public async ValueTask DisposeAsync()
    {
        await _app.DisposeAsync();
        _signingKey.Dispose();
        _publishedKey.Dispose();
        _agentKey.Dispose();
    }
}
