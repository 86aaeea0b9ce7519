using System.Text.Json.Nodes;
using AgentIdP.Api.Agents;

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
        Guid tenantId, Guid agentId, AgentStore agents, HttpContext context, CancellationToken ct)
    {
        if (await agents.GetWithKeysAsync(tenantId, agentId, ct) is not { } found)
        {
            return TypedResults.Problem("No agent has this DID.", statusCode: StatusCodes.Status404NotFound, title: "Not found");
        }
        var did = found.Agent.Did;
        var methods = new JsonArray();
        var references = new List<string>();
        foreach (var key in (found.Jwks?["keys"] as JsonArray ?? []).OfType<JsonObject>())
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
}
