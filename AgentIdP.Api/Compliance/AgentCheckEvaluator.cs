using System.Text.Json.Nodes;
using AgentIdP.Api.Agents;
using AgentIdP.Api.Audit;
using AgentIdP.Api.OAuth;
using static AgentIdP.Api.Compliance.ComplianceChecks;

namespace AgentIdP.Api.Compliance;

/// <summary>The published signing keys as the report sees them.</summary>
public sealed record KeyFacts(string ActiveKid, IReadOnlySet<string> PublishedKids, IReadOnlySet<string> RetiredKids,
    IReadOnlyList<string> KidsWithPrivateMembers, ReadOnlyMemory<byte> JwksJson);

/// <summary>What holds for the whole tenant: the issuer's URLs and keys, the token lifetime (the audit chain is checked apart).</summary>
public sealed record TenantFacts(string TokenUrl, string MetadataUrl, bool MetadataServed, KeyFacts Keys, int TokenLifetimeSeconds, string CardCacheControl);

/// <summary>What holds for one agent: its data, its documents and whether a credential of it still works.</summary>
public sealed record AgentFacts(Agent Agent, AgentDocumentSet Documents, bool HasWorkingSecret, string ExpectedDid);

/// <summary>
/// Evaluates every check of the profile for one agent, in process, from the data: no HTTP calls to ourselves. Each
/// result says why, so a failure can be fixed from the report alone.
/// </summary>
public static class AgentCheckEvaluator
{
    /// <summary>Every check but <see cref="AuditChainVerifies"/>, which is the tenant's (see <see cref="Chain"/>), in profile order.</summary>
    public static List<CheckResult> Evaluate(AgentFacts agent, TenantFacts tenant)
    {
        var disabled = agent.Agent.Status != AgentStatus.Active;
        var card = agent.Documents.Card.Document;
        var record = agent.Documents.Record.Document;
        return
        [
            Identifier(agent),
            DidKeys(agent.Agent),
            KeysPublished(agent, tenant.Keys),
            KeysCurrent(card, tenant.Keys),
            disabled ? Disabled(CardFields) : CardFieldsCheck(agent.Documents.Card),
            disabled ? Disabled(CardInterfaces) : card is null ? NoCard(CardInterfaces) : Interfaces(card.Json),
            disabled ? Disabled(CardSecurity) : card is null ? NoCard(CardSecurity) : Security(card.Json, tenant),
            disabled ? Disabled(CardSignatures) : card is null ? NoCard(CardSignatures) : Signatures(card.Json, tenant.Keys),
            disabled ? Disabled(CardCaching) : card is null ? NoCard(CardCaching)
                : Result(CardCaching, Pass, $"the card endpoint sends Cache-Control: {tenant.CardCacheControl} and the strong ETag {card.ETag}"),
            disabled ? Disabled(RecordValid) : RecordValidity(agent.Documents.Record),
            disabled ? Disabled(RecordRecommended) : record is null ? NoRecord(RecordRecommended) : Recommended(record.Json),
            disabled ? Disabled(RecordCard) : record is null ? NoRecord(RecordCard) : EmbeddedCard(record.Json, card),
            disabled ? Disabled(Credentials) : CredentialsCheck(agent, tenant),
        ];
    }

    private static CheckResult Disabled(string id) =>
        Result(id, NotApplicable, "the agent is disabled: it publishes no card or record and cannot get tokens");

    private static CheckResult NoCard(string id) => Result(id, Skip, $"not checked: the agent has no card ({CardFields} fails)");

    private static CheckResult NoRecord(string id) => Result(id, Skip, $"not checked: the agent has no record ({RecordValid} fails)");

    private static CheckResult Identifier(AgentFacts facts)
    {
        var a = facts.Agent;
        if (string.IsNullOrEmpty(a.ClientId)) return Result(IdStable, Fail, "the agent has no client id");
        if (a.Did != facts.ExpectedDid) return Result(IdStable, Fail, $"the DID {a.Did} is not the one derived from the tenant and agent ids ({facts.ExpectedDid})");
        return Result(IdStable, Pass, $"client id {a.ClientId} (unique by constraint) and DID {a.Did}, derived from the immutable tenant and agent ids");
    }

    private static CheckResult DidKeys(Agent a) => a.PublicKeyCount > 0
        ? Result(IdDidKeys, Pass, $"{a.DidDocumentUrl} lists {a.PublicKeyCount} publicKeyJwk verification method(s), each referenced by assertionMethod")
        : Result(IdDidKeys, Fail, "the agent has no registered public key, so its DID document has no verification method: register a JWK Set (jwks) on the agent");

    private static CheckResult KeysPublished(AgentFacts agent, KeyFacts keys)
    {
        if (keys.KidsWithPrivateMembers.Count > 0)
        {
            return Result(KeyPublished, Fail, $"the published JWKS holds private key members for kid(s) {string.Join(", ", keys.KidsWithPrivateMembers)}");
        }
        if (!keys.PublishedKids.Contains(keys.ActiveKid)) return Result(KeyPublished, Fail, $"the active signing kid {keys.ActiveKid} is not in the published JWKS");
        var cardKids = SignatureKids(agent.Documents.Card.Document?.Json).ToList();
        if (cardKids.FirstOrDefault(k => !keys.PublishedKids.Contains(k)) is { } missing)
        {
            return Result(KeyPublished, Fail, $"the card is signed by kid {missing}, which is not in the published JWKS");
        }
        return Result(KeyPublished, Pass,
            $"signing kid(s) in use ({string.Join(", ", cardKids.Append(keys.ActiveKid).Distinct())}) are in the JWKS of {keys.PublishedKids.Count} key(s); none holds private members");
    }

    private static CheckResult KeysCurrent(ServedDocument? card, KeyFacts keys)
    {
        var kids = SignatureKids(card?.Json).Distinct().ToList();
        if (kids.FirstOrDefault(keys.RetiredKids.Contains) is { } retired)
        {
            return Result(KeyCurrent, Fail, $"the card is signed with the retired key {retired}; it should be signed with {keys.ActiveKid}");
        }
        if (kids.FirstOrDefault(k => !keys.PublishedKids.Contains(k)) is { } expired)
        {
            return Result(KeyCurrent, Fail, $"the card is signed with the key {expired}, which is expired (no longer published)");
        }
        return Result(KeyCurrent, Pass, $"tokens and the card are signed with the active key {keys.ActiveKid}; retired keys only verify tokens until they expire");
    }

    private static CheckResult CardFieldsCheck(DocumentResult card) => card.Document is not null
        ? Result(CardFields, Pass, "the card is served and valid against the pinned A2A 1.0 schema; every required field is present")
        : Result(CardFields, Fail, "the card cannot be served: " + string.Join("; ", card.Problems));

    private static CheckResult Interfaces(JsonObject card)
    {
        var problems = new List<string>();
        var interfaces = card["supportedInterfaces"]!.AsArray();
        for (var i = 0; i < interfaces.Count; i++)
        {
            var item = interfaces[i]!;
            if (item["protocolVersion"]?.GetValue<string>() != AgentCards.A2AVersion) problems.Add($"supportedInterfaces[{i}].protocolVersion is not \"{AgentCards.A2AVersion}\"");
            if (string.IsNullOrEmpty(item["protocolBinding"]?.GetValue<string>())) problems.Add($"supportedInterfaces[{i}].protocolBinding is missing");
            if (AgentProfileValidation.Url($"supportedInterfaces[{i}].url", item["url"]?.GetValue<string>()) is { } error) problems.Add(error);
        }
        return problems.Count == 0
            ? Result(CardInterfaces, Pass, $"{interfaces.Count} interface(s), each with url, protocolBinding and protocolVersion \"{AgentCards.A2AVersion}\" over HTTPS")
            : Result(CardInterfaces, Fail, string.Join("; ", problems));
    }

    private static CheckResult Security(JsonObject card, TenantFacts tenant)
    {
        var scheme = card["securitySchemes"]?[AgentCards.SecuritySchemeName]?["oauth2SecurityScheme"];
        var tokenUrl = scheme?["flows"]?["clientCredentials"]?["tokenUrl"]?.GetValue<string>();
        var metadataUrl = scheme?["oauth2MetadataUrl"]?.GetValue<string>();
        if (tokenUrl != tenant.TokenUrl) return Result(CardSecurity, Fail, $"the card's token URL is {tokenUrl ?? "missing"}, not {tenant.TokenUrl}");
        if (metadataUrl != tenant.MetadataUrl) return Result(CardSecurity, Fail, $"the card's metadata URL is {metadataUrl ?? "missing"}, not {tenant.MetadataUrl}");
        if (!tenant.MetadataServed) return Result(CardSecurity, Fail, $"{metadataUrl} is not served by this deployment");
        return Result(CardSecurity, Pass, $"oauth2SecurityScheme names token URL {tokenUrl} and RFC 8414 metadata {metadataUrl}, served by this deployment");
    }

    private static CheckResult Signatures(JsonObject card, KeyFacts keys)
    {
        if (card["signatures"] is not JsonArray { Count: > 0 } signatures) return Result(CardSignatures, NotApplicable, "the card carries no signature");
        return CardSigner.Verify(card, keys.JwksJson) is { } failure
            ? Result(CardSignatures, Fail, failure)
            : Result(CardSignatures, Pass, $"{signatures.Count} signature(s) verify against the published JWKS (ES256, detached JWS over the JCS card)");
    }

    private static CheckResult RecordValidity(DocumentResult record) => record.Document is not null
        ? Result(RecordValid, Pass, "the record validates against the pinned OASF 1.0.0 schema; every skill and domain is an OASF 1.0.0 taxonomy pair")
        : Result(RecordValid, Fail, "the record cannot be served: " + string.Join("; ", record.Problems));

    private static CheckResult Recommended(JsonObject record)
    {
        var problems = new List<string>();
        if (record["domains"] is not JsonArray { Count: > 0 }) problems.Add("no domains (set oasfDomains)");
        var modules = record["modules"] as JsonArray ?? [];
        if (modules.Count == 0) problems.Add("no modules (the integration/a2a module needs a card)");
        foreach (var module in modules)
        {
            if (module?["id"]?.GetValue<int>() is { } id && OasfTaxonomy.DeprecatedModules.Contains(id)) problems.Add($"module {id} is deprecated");
        }
        return problems.Count == 0
            ? Result(RecordRecommended, Pass, $"{record["domains"]!.AsArray().Count} domain(s) and {modules.Count} module(s), none deprecated")
            : Result(RecordRecommended, Fail, string.Join("; ", problems));
    }

    private static CheckResult EmbeddedCard(JsonObject record, ServedDocument? card)
    {
        var a2a = (record["modules"] as JsonArray ?? []).FirstOrDefault(m => m?["id"]?.GetValue<int>() == OasfTaxonomy.A2AModule.Id);
        if (a2a is null) return Result(RecordCard, Fail, "the record has no integration/a2a module (the agent has no card)");
        var version = a2a["data"]?["card_schema_version"]?.GetValue<string>();
        if (string.IsNullOrEmpty(version)) return Result(RecordCard, Fail, "the integration/a2a module has no card_schema_version");
        // Structural equality of two JSON values is equality of their JCS forms.
        if (card is null || !JsonNode.DeepEquals(a2a["data"]?["card_data"], card.Json))
        {
            return Result(RecordCard, Fail, "the integration/a2a module's card_data differs from the served card");
        }
        return Result(RecordCard, Pass, $"integration/a2a embeds the served card (same JCS bytes, ETag {card.ETag}), card_schema_version {version}");
    }

    private static CheckResult CredentialsCheck(AgentFacts agent, TenantFacts tenant)
    {
        if (!agent.HasWorkingSecret && agent.Agent.PublicKeyCount == 0)
        {
            return Result(Credentials, Fail, "every client secret of the agent has expired and it has no registered key: rotate its credentials");
        }
        var how = agent.HasWorkingSecret ? "an unexpired client secret" : "registered keys for private_key_jwt";
        return Result(Credentials, Pass, $"the agent is active with {how}; its access tokens carry exp (lifetime {tenant.TokenLifetimeSeconds} s)");
    }

    // Tenant-wide: the same result for every agent, so the evidence stays short (auditChain in the report has the details).
    public static CheckResult Chain(ChainVerification chain) => chain.Valid
        ? Result(AuditChainVerifies, Pass, $"the tenant's {chain.Events} audit events verify from the first to the head")
        : Result(AuditChainVerifies, Fail, $"event seq {chain.FirstBrokenSeq} (id {chain.FirstBrokenEventId}) breaks the chain: {chain.Reason}");

    private static IEnumerable<string> SignatureKids(JsonObject? card)
    {
        foreach (var entry in card?["signatures"] as JsonArray ?? [])
        {
            var header = entry?["protected"]?.GetValue<string>();
            if (header is null) continue;
            var kid = JsonNode.Parse(Platform.Base64Url.Decode(header))?["kid"]?.GetValue<string>();
            if (kid is not null) yield return kid;
        }
    }
}
