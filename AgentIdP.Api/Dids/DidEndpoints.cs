using AgentIdP.Api.OAuth;
using AgentIdP.Api.Platform;
using System.Text.Json.Nodes;
using Dapper;
using Npgsql;

namespace AgentIdP.Api.Dids;

/// <summary>Public did:web documents for agents: their registered public keys as JsonWebKey2020 verification methods.</summary>
public static class DidEndpoints
{
    public const string MediaType = "application/did+json";

    public static WebApplicationBuilder AddDids(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<DidWeb>();
        return builder;
    }

    public static WebApplication MapDids(this WebApplication app)
    {
        app.MapGet(DidWeb.DocumentRoute, Document).WithTags("DIDs").WithSummary("An agent's did:web document").AllowAnonymous();
        return app;
    }

    private static async Task<Results<ContentHttpResult, ProblemHttpResult>> Document(
        Guid tenantId, Guid agentId, NpgsqlDataSource db, DidWeb dids, UnknownIds unknown, TokenWatermarks watermarks, HttpContext context, CancellationToken ct)
    {
        if (watermarks.IsSuspended(tenantId)) return NoSuchDid();
        if (unknown.IsKnownUnknown(UnknownIds.Agent, tenantId, agentId)
            || await RegisteredKeysAsync(db, tenantId, agentId, ct) is not { } keys)
        {
            unknown.Remember(UnknownIds.Agent, tenantId, agentId);
            return NoSuchDid();
        }
        var did = dids.Did(tenantId, agentId);
        var methods = new JsonArray();
        var references = new List<string>();
        foreach (var key in (keys["keys"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var id = $"{did}#{key["kid"]!.GetValue<string>()}";
            references.Add(id);
            methods.Add(new JsonObject
            {
                ["id"] = id, ["type"] = "JsonWebKey2020", ["controller"] = did, ["publicKeyJwk"] = key.DeepClone(),
            });
        }
        var document = new JsonObject
        {
            ["@context"] = new JsonArray("https://www.w3.org/ns/did/v1", "https://w3id.org/security/suites/jws-2020/v1"),
            ["id"] = did,
            ["verificationMethod"] = methods,
            ["authentication"] = new JsonArray([.. references.Select(r => (JsonNode)r)]),
            ["assertionMethod"] = new JsonArray([.. references.Select(r => (JsonNode)r)]),
        };
        context.Response.Headers.CacheControl = "public, max-age=60";
        return TypedResults.Content(document.ToJsonString(), MediaType);
    }

    /// <summary>Unknown agents and agents of a suspended tenant alike.</summary>
    private static ProblemHttpResult NoSuchDid() =>
        TypedResults.Problem("No agent has this DID.", statusCode: StatusCodes.Status404NotFound, title: "Not found");

    /// <summary>The agent's registered public keys (a JWK Set, empty when it has none); null when the tenant has no such agent.</summary>
    private static async Task<JsonObject?> RegisteredKeysAsync(NpgsqlDataSource db, Guid tenantId, Guid agentId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var jwks = await connection.QuerySingleOrDefaultAsync<string>(new CommandDefinition("""
            SELECT COALESCE(c.jwks, '{}'::jsonb)::text FROM agents a JOIN clients c ON c.client_id = a.client_id
            WHERE a.tenant_id = @tenantId AND a.id = @agentId
            """, new { tenantId, agentId }, cancellationToken: ct));
        return jwks is null ? null : JsonNode.Parse(jwks)!.AsObject();
    }
}
