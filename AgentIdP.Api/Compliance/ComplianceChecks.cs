namespace AgentIdP.Api.Compliance;

/// <summary>One check of the AgentIdP profile v1: its id (shared with the interop kit), level, what holds, and where the rule comes from.</summary>
public sealed record CheckDefinition(string Id, string Level, string Title, string Source);

/// <summary>A check's outcome for one agent, with the evidence a reader needs to see why.</summary>
public sealed record CheckResult(string Id, string Level, string Status, string Evidence);

/// <summary>The profile's check ids and levels (../shared/AGNTCY-PROFILE.md), in report order.</summary>
public static class ComplianceChecks
{
    public const string Must = "MUST";
    public const string Should = "SHOULD";
    public const string May = "MAY";
    public static readonly string[] Levels = [Must, Should, May];

    public const string Pass = "pass";
    public const string Fail = "fail";
    public const string Skip = "skip";
    public const string NotApplicable = "not_applicable";
    public static readonly string[] Statuses = [Pass, Fail, Skip, NotApplicable];

    public const string IdStable = "AGT-ID-001";
    public const string IdDidKeys = "AGT-ID-002";
    public const string KeyPublished = "AGT-KEY-001";
    public const string KeyCurrent = "AGT-KEY-002";
    public const string CardFields = "AGT-CARD-001";
    public const string CardInterfaces = "AGT-CARD-002";
    public const string CardSecurity = "AGT-CARD-003";
    public const string CardSignatures = "AGT-CARD-004";
    public const string CardCaching = "AGT-CARD-005";
    public const string RecordValid = "AGT-REC-001";
    public const string RecordRecommended = "AGT-REC-002";
    public const string RecordCard = "AGT-REC-003";
    public const string Credentials = "AGT-CRED-001";
    public const string AuditChainVerifies = "AGT-AUD-001";

    public static readonly IReadOnlyList<CheckDefinition> All =
    [
        new(IdStable, Must, "The agent has a unique, stable identifier (client id and DID)",
            "AGNTCY Identity v1alpha1: the subject is taken from sub/client_id; W3C did:web"),
        new(IdDidKeys, Should, "The DID resolves to a document with at least one publicKeyJwk verification method referenced by assertionMethod",
            "W3C DID Core §5.3 (verification methods, assertionMethod); did:web method"),
        new(KeyPublished, Must, "Every signing kid in use is in the published JWKS; published JWKs hold no private members",
            "RFC 7517 §5 and §6.2.2 (JWK Set, private members); RFC 8414 jwks_uri"),
        new(KeyCurrent, Must, "Nothing is signed with an expired or retired key",
            "A2A 1.0 AgentCard signatures (expired or revoked keys must not verify); RFC 7515"),
        new(CardFields, Must, "The A2A card is retrievable and has every required field",
            "A2A 1.0 AgentCard: name, description, version, supportedInterfaces, capabilities, defaultInputModes, defaultOutputModes, skills"),
        new(CardInterfaces, Must, "Each interface has url, protocolBinding and protocolVersion \"1.0\"; URLs are absolute HTTPS (HTTP only on loopback)",
            "A2A 1.0 AgentInterface"),
        new(CardSecurity, Should, "The card's security scheme names this IdP's token URL and a metadata URL that resolves",
            "A2A 1.0 OAuth2SecurityScheme (flows.clientCredentials.tokenUrl, oauth2MetadataUrl); RFC 8414"),
        new(CardSignatures, Must, "Card signatures, when present, verify against the JWKS",
            "A2A 1.0 AgentCardSignature: detached JWS (RFC 7515 appendix F) over the JCS (RFC 8785) card without signatures"),
        new(CardCaching, Should, "The card endpoint sends Cache-Control: max-age and an ETag",
            "A2A 1.0 agent discovery (caching of /.well-known/agent-card.json); RFC 9111, RFC 9110 §8.8.3"),
        new(RecordValid, Must, "The OASF record validates against schema 1.0.0 with taxonomy-consistent skills",
            "OASF 1.0.0 record object; OASF 1.0.0 skill taxonomy"),
        new(RecordRecommended, Should, "Recommended record fields (domains, modules) are present and no module is deprecated",
            "OASF 1.0.0 record (recommended fields); integration/acp is deprecated"),
        new(RecordCard, Should, "The record's integration/a2a module embeds the same card, with card_schema_version set",
            "OASF 1.0.0 module integration/a2a (id 203)"),
        new(Credentials, Must, "The agent's credentials are active and unexpired; its tokens carry exp",
            "RFC 6749 §4.4 (client credentials); RFC 9068 §2.2 (exp)"),
        new(AuditChainVerifies, Must, "The tenant's audit hash chain verifies from its first event to its head",
            "AgentIdP profile v1 (AgentIdP's own rule): hash = SHA-256(prev_hash ‖ canonical event)"),
    ];

    private static readonly Dictionary<string, CheckDefinition> ById = All.ToDictionary(c => c.Id);

    public static CheckResult Result(string id, string status, string evidence) => new(id, ById[id].Level, status, evidence);

    /// <summary>
    /// NON_COMPLIANT when a MUST fails or could not be checked; MANDATORY when every MUST passes; RECOMMENDED when every
    /// SHOULD passes too; FULL when every declared MAY passes as well.
    /// </summary>
    public static string ResultingLevel(IEnumerable<CheckResult> results)
    {
        var notPassing = results.Where(r => r.Status is Fail or Skip).Select(r => r.Level).ToHashSet();
        return notPassing.Contains(Must) ? "NON_COMPLIANT"
            : notPassing.Contains(Should) ? "MANDATORY"
            : notPassing.Contains(May) ? "RECOMMENDED"
            : "FULL";
    }
}
