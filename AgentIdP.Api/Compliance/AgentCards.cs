using AgentIdP.Api.Auth;
using System.Text.Json.Nodes;
using AgentIdP.Api.Agents;
using AgentIdP.Api.OAuth;
using AgentIdP.Api.Platform;
using Microsoft.Extensions.Options;

namespace AgentIdP.Api.Compliance;

/// <summary>A document ready to serve: its JSON, the exact bytes (JCS form) and a strong ETag over them.</summary>
public sealed record ServedDocument(JsonObject Json, byte[] Bytes, string ETag);

/// <summary>A card or record, or the reasons it cannot be built from the agent's profile.</summary>
public sealed record DocumentResult(ServedDocument? Document, IReadOnlyList<string> Problems)
{
    public static DocumentResult Failed(IReadOnlyList<string> problems) => new(null, problems);
}

/// <summary>
/// A2A AgentCard 1.0 for an agent, built from its profile: AgentIdP's OAuth 2.0 client-credentials scheme, signed
/// (<see cref="CardSigner"/>), and checked against the pinned schema before anyone sees it.
/// </summary>
public sealed class AgentCards(CardSigner signer, IOptions<IdentityOptions> options)
{
    public const string A2AVersion = "1.0";
    public const string SecuritySchemeName = "agentidp";
    public static readonly IReadOnlyDictionary<string, string> InvokeScopes = new Dictionary<string, string>
    {
        [Scopes.A2AInvoke] = "Invoke the agent over A2A",
    };

    private readonly string _issuer = options.Value.IssuerWithoutSlash;

    public string TokenUrl => _issuer + OAuthEndpoints.TokenPath;
    public string MetadataUrl => _issuer + OAuthEndpoints.AuthorizationServerMetadataPath;

    /// <summary>The signed, schema-valid card, or why there is none.</summary>
    public async Task<DocumentResult> BuildAsync(Agent agent, AgentProfile profile, CancellationToken ct)
    {
        if (Missing(agent, profile) is { Count: > 0 } missing) return DocumentResult.Failed(missing);
        var card = Unsigned(agent, profile);
        card["signatures"] = new JsonArray(await signer.SignAsync(agent.Id, card, ct));
        var errors = PinnedSchemas.ValidateCard(card);
        return errors.Count > 0 ? DocumentResult.Failed([.. errors.Select(e => "A2A 1.0 schema: " + e)]) : new DocumentResult(Served.Of(card), []);
    }

    /// <summary>What the agent's profile still lacks for a card with every required field.</summary>
    public static List<string> Missing(Agent agent, AgentProfile profile)
    {
        var missing = new List<string>();
        if (profile.Interfaces.Length == 0) missing.Add("supportedInterfaces: the agent declares no A2A interface (set interfaces)");
        if (string.IsNullOrWhiteSpace(agent.Description)) missing.Add("description: empty (set description)");
        if (string.IsNullOrWhiteSpace(profile.Version)) missing.Add("version: not set (set version)");
        return missing;
    }

    private JsonObject Unsigned(Agent agent, AgentProfile profile)
    {
        var card = new JsonObject
        {
            ["name"] = agent.Name,
            ["description"] = agent.Description,
            ["version"] = profile.Version,
            ["supportedInterfaces"] = new JsonArray([.. profile.Interfaces.Select(i => (JsonNode)new JsonObject
            {
                ["url"] = i.Url, ["protocolBinding"] = i.ProtocolBinding, ["protocolVersion"] = A2AVersion,
            })]),
        };
        if (profile.Provider is { } provider) card["provider"] = new JsonObject { ["organization"] = provider.Organization, ["url"] = provider.Url };
        if (profile.DocumentationUrl is { } docs) card["documentationUrl"] = docs;
        card["capabilities"] = new JsonObject
        {
            ["streaming"] = profile.Capabilities.Streaming ?? false,
            ["pushNotifications"] = profile.Capabilities.PushNotifications ?? false,
        };
        card["securitySchemes"] = new JsonObject
        {
            [SecuritySchemeName] = new JsonObject
            {
                ["oauth2SecurityScheme"] = new JsonObject
                {
                    ["description"] = "OAuth 2.0 client credentials from AgentIdP; the access token is a JWT verifiable against the issuer's JWKS.",
                    ["flows"] = new JsonObject
                    {
                        ["clientCredentials"] = new JsonObject
                        {
                            ["tokenUrl"] = TokenUrl,
                            ["scopes"] = new JsonObject([.. InvokeScopes.Select(s => KeyValuePair.Create(s.Key, (JsonNode?)s.Value))]),
                        },
                    },
                    ["oauth2MetadataUrl"] = MetadataUrl,
                },
            },
        };
        card["securityRequirements"] = new JsonArray(new JsonObject
        {
            ["schemes"] = new JsonObject { [SecuritySchemeName] = new JsonObject { ["list"] = new JsonArray([.. InvokeScopes.Keys.Select(k => (JsonNode)k)]) } },
        });
        card["defaultInputModes"] = Strings(profile.DefaultInputModes);
        card["defaultOutputModes"] = Strings(profile.DefaultOutputModes);
        card["skills"] = new JsonArray([.. profile.Skills.Select(Skill)]);
        return card;
    }

    private static JsonNode Skill(AgentSkill skill)
    {
        var node = new JsonObject { ["id"] = skill.Id, ["name"] = skill.Name, ["description"] = skill.Description, ["tags"] = Strings(skill.Tags ?? []) };
        if (skill.Examples is { Length: > 0 } examples) node["examples"] = Strings(examples);
        return node;
    }

    private static JsonArray Strings(IEnumerable<string> values) => new([.. values.Select(v => (JsonNode)v)]);
}

public static class Served
{
    /// <summary>The JCS bytes of <paramref name="json"/> with a strong ETag over exactly those bytes.</summary>
    public static ServedDocument Of(JsonObject json)
    {
        var bytes = Jcs.Canonicalize(json);
        return new ServedDocument(json, bytes, ETagOf(bytes));
    }

    public static string ETagOf(ReadOnlySpan<byte> bytes) =>
        $"\"{Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(bytes))[..32]}\"";
}
