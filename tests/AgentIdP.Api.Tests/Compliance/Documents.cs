using System.Net;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json.Nodes;
using AgentIdP.Api.Compliance;
using AgentIdP.TestSupport;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;

namespace AgentIdP.Api.Tests.Compliance;

/// <summary>Agent bodies with complete profiles, public document paths, and an independent check of card signatures.</summary>
public static class Documents
{
    public static string CardPath(Guid tenantId, Guid agentId) => $"/tenants/{tenantId}/agents/{agentId}/.well-known/agent-card.json";

    public static string RecordPath(Guid tenantId, Guid agentId) => $"/tenants/{tenantId}/agents/{agentId}/oasf-record.json";

    /// <summary>A create-agent body whose card and record pass every check: interfaces, skills, OASF pairs, a public key.</summary>
    public static object CompliantAgent(string name = "Invoice Agent", JsonObject? jwks = null) => new
    {
        name,
        description = "Reads invoices and extracts their fields.",
        scopes = new[] { "a2a:invoke", "invoices:read" },
        jwks = jwks ?? PublicKeySet(),
        version = "1.4.0",
        provider = new { organization = "Acme Agents", url = "https://acme.example" },
        interfaces = new[] { new { url = "https://agents.acme.example/invoice/a2a", protocolBinding = "JSONRPC" } },
        skills = new[]
        {
            new { id = "extract", name = "Extract fields", description = "Reads an invoice and returns its fields.", tags = new[] { "invoices" },
                  examples = new[] { "What is the total of this invoice?" } },
        },
        oasfSkills = new object[] { new { id = 10301, name = "natural_language_processing/information_retrieval_synthesis/fact_extraction" }, new { id = 70101 } },
        oasfDomains = new object[] { new { name = "finance_and_business/finance" } },
        defaultInputModes = new[] { "application/pdf", "text/plain" },
        defaultOutputModes = new[] { "application/json" },
    };

    public static JsonObject PublicKeySet(string kid = "k1")
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var jwk = JsonWebKeyConverter.ConvertFromECDsaSecurityKey(new ECDsaSecurityKey(key));
        return new JsonObject { ["keys"] = new JsonArray(new JsonObject { ["kty"] = "EC", ["crv"] = "P-256", ["x"] = jwk.X, ["y"] = jwk.Y, ["kid"] = kid }) };
    }

    public static async Task<(HttpResponseMessage Response, JsonObject? Json)> GetJsonAsync(this HttpClient http, string path, string? token = null)
    {
        using var request = token is null ? new HttpRequestMessage(HttpMethod.Get, path) : TestApi.Authorized(HttpMethod.Get, path, token);
        var response = await http.SendAsync(request);
        var text = await response.Content.ReadAsStringAsync();
        return (response, response.StatusCode == HttpStatusCode.OK && text.Length > 0 ? JsonNode.Parse(text)!.AsObject() : null);
    }

    /// <summary>
    /// Verifies each <c>signatures[]</c> entry as a standard JOSE library would: re-attach the JCS form of the card
    /// without <c>signatures</c> as the payload of the detached JWS, then validate it against the published JWKS.
    /// </summary>
    public static async Task<bool> SignaturesVerifyAsync(JsonObject card, string jwksJson)
    {
        var unsigned = card.DeepClone().AsObject();
        unsigned.Remove("signatures");
        var payload = Base64UrlEncoder.Encode(Jcs.Canonicalize(unsigned));
        var signatures = card["signatures"]!.AsArray();
        if (signatures.Count == 0) return false;
        foreach (var signature in signatures)
        {
            var jws = $"{signature!["protected"]!.GetValue<string>()}.{payload}.{signature["signature"]!.GetValue<string>()}";
            var result = await new JsonWebTokenHandler().ValidateTokenAsync(jws, new TokenValidationParameters
            {
                IssuerSigningKeys = new JsonWebKeySet(jwksJson).GetSigningKeys(),
                ValidateIssuer = false, ValidateAudience = false, ValidateLifetime = false, RequireExpirationTime = false,
                ValidAlgorithms = [SecurityAlgorithms.EcdsaSha256], ValidTypes = ["JOSE"],
            });
            if (!result.IsValid) return false;
        }
        return true;
    }

    /// <summary>The protected header of the card's first signature.</summary>
    public static JsonObject SignatureHeader(JsonObject card) =>
        JsonNode.Parse(Encoding.UTF8.GetString(Base64UrlEncoder.DecodeBytes(card["signatures"]![0]!["protected"]!.GetValue<string>())))!.AsObject();
}
