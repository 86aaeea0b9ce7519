using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using AgentIdP.InteropKit.Schemas;
using AgentIdP.InteropKit.Target;

namespace AgentIdP.InteropKit.Features.Cards;

[Binding]
public sealed partial class CardSteps(TargetClient target)
{
    /// <summary>Top-level fields of A2A 0.2/0.3 cards that 1.0 removed.</summary>
    private static readonly string[] RemovedFields = ["url", "protocolVersion", "preferredTransport", "additionalInterfaces", "supportsAuthenticatedExtendedCard", "security"];

    private IReadOnlyList<CardUnderTest> _cards = [];

    /// <summary>The cards that could be read; when none could, there is nothing to check beyond AGT-CARD-001's failure.</summary>
    private IEnumerable<(CardUnderTest Under, JsonObject Card)> Cards => _cards.All(c => c.Card is null)
        ? throw Check.Skip("no card could be read (AGT-CARD-001 fails), so there is nothing more to check")
        : _cards.Where(c => c.Card is not null).Select(c => (c, c.Card!));

    private IEnumerable<(CardUnderTest Under, JsonObject Signature, int Index)> Signatures => Cards.SelectMany(c =>
        (c.Card.Arr("signatures") ?? []).Select((s, i) => (c.Under, s as JsonObject ?? [], i)));

    [Given("the agent cards to check")]
    public async Task CardsToCheck() => _cards = await AgentCards.ToCheckAsync(target);

    [Given("the cards carry signatures")]
    public void CardsAreSigned()
    {
        if (!Signatures.Any()) throw Check.Skip("no card carries signatures (signing is optional; signatures that are present must verify)");
    }

    [Given("the card signatures carry a jku")]
    public void SignaturesCarryJku()
    {
        if (!Signatures.Any(s => ProtectedHeader(s.Signature)?.Str("jku") is not null)) throw Check.Skip("no card signature carries a jku");
    }

    [Then("every card answers 200 with a JSON object")]
    public void CardsAreServed() => Check.NoProblems([.. _cards.Where(c => c.Card is null).Select(c => $"{c.Label}: {c.Answer.Describe()}")],
        "some cards cannot be read");

    [Then("every card validates against the A2A 1.0 card schema")]
    public void CardsValidate()
    {
        var problems = new List<string>();
        foreach (var (under, card) in Cards)
        {
            problems.AddRange(RemovedFields.Where(card.ContainsKey).Select(f => $"{under.Label} carries \"{f}\", an A2A 0.3 field that 1.0 removed"));
            problems.AddRange(PinnedSchemas.CardProblems(card).Select(p => $"{under.Label} {p}"));
        }
        Check.NoProblems(problems, "some cards are not valid A2A 1.0 cards");
    }

    [Then("every card interface has a url, a protocolBinding and protocolVersion {string}")]
    public void InterfacesAreComplete(string version)
    {
        var problems = new List<string>();
        foreach (var (under, card) in Cards)
        {
            var interfaces = card.Arr("supportedInterfaces");
            if (interfaces is not { Count: > 0 }) problems.Add($"{under.Label} lists no supportedInterfaces");
            foreach (var (item, i) in (interfaces ?? []).Select((x, i) => (x, i)))
            {
                if (item.Str("url") is null) problems.Add($"{under.Label} interface #{i} has no url");
                if (item.Str("protocolBinding") is not { Length: > 0 }) problems.Add($"{under.Label} interface #{i} has no protocolBinding");
                if (item.Str("protocolVersion") != version) problems.Add($"{under.Label} interface #{i} has protocolVersion \"{item.Str("protocolVersion")}\", not \"{version}\"");
            }
        }
        Check.NoProblems(problems, "some card interfaces are incomplete");
    }

    [Then("every card interface URL is absolute HTTPS, or HTTP on a loopback host")]
    public void InterfaceUrlsAreSecure() => Check.NoProblems([.. Cards
        .SelectMany(c => (c.Card.Arr("supportedInterfaces") ?? []).Select(i => (c.Under, Url: i.Str("url"))))
        .Where(x => x.Url is not null && !JsonExtensions.IsSecureOrLoopbackUrl(x.Url))
        .Select(x => $"{x.Under.Label} lists the interface URL \"{x.Url}\"")], "some interface URLs are not absolute HTTPS");

    [Then("every card has an OAuth 2.0 client credentials scheme with this IdP's token endpoint")]
    public async Task NamesTokenEndpoint()
    {
        var tokenEndpoint = (await target.EndpointAsync("token_endpoint")).AbsoluteUri;
        Check.NoProblems([.. Cards
            .Where(c => !OAuthSchemes(c.Card).Any(s => s.Obj("flows").Obj("clientCredentials").Str("tokenUrl") == tokenEndpoint))
            .Select(c => $"{c.Under.Label} has no oauth2SecurityScheme whose clientCredentials tokenUrl is {tokenEndpoint}")],
            "some cards do not send clients to this IdP");
    }

    [Then("every card's oauth2MetadataUrl resolves to this IdP's metadata")]
    public async Task MetadataUrlResolves()
    {
        var problems = new List<string>();
        foreach (var (under, card) in Cards)
        {
            var urls = OAuthSchemes(card).Select(s => s.Str("oauth2MetadataUrl")).OfType<string>().Distinct().ToList();
            if (urls.Count == 0) problems.Add($"{under.Label} names no oauth2MetadataUrl");
            foreach (var url in urls)
            {
                var answer = await target.GetAsync(target.Url(url));
                var issuer = answer.Status == 200 ? (answer.JsonOrNull() as JsonObject).Str("issuer") : null;
                if (issuer?.TrimEnd('/') != target.Issuer) problems.Add($"{under.Label}'s oauth2MetadataUrl {url} does not give this IdP's metadata ({answer.Describe()})");
            }
        }
        Check.NoProblems(problems, "some cards point clients at metadata that does not resolve");
    }

    [Then("every card's security requirements name schemes the card defines")]
    public void RequirementsNameDefinedSchemes()
    {
        var problems = new List<string>();
        foreach (var (under, card) in Cards)
        {
            var defined = card.Obj("securitySchemes")?.Select(p => p.Key).ToHashSet() ?? [];
            var named = (card.Arr("securityRequirements") ?? []).Concat((card.Arr("skills") ?? []).SelectMany(s => s.Arr("securityRequirements") ?? []))
                .SelectMany(r => r.Obj("schemes")?.Select(p => p.Key) ?? []);
            problems.AddRange(named.Where(n => !defined.Contains(n)).Distinct().Select(n => $"{under.Label} requires scheme \"{n}\" but does not define it"));
        }
        Check.NoProblems(problems, "some security requirements name unknown schemes");
    }

    [Then("every signature verifies against the JWKS over the JCS form of its card without signatures")]
    public async Task SignaturesVerify()
    {
        var jwks = await target.JwksAsync();
        var problems = new List<string>();
        foreach (var (under, signature, i) in Signatures)
        {
            try
            {
                var encodedProtected = signature.Str("protected") ?? throw Check.Fail("has no protected header");
                var header = Jws.DecodeJson(encodedProtected, "its protected header");
                var payload = Jws.Encode(Jcs.Canonicalize(under.Unsigned));
                var value = Jws.Decode(signature.Str("signature") ?? throw Check.Fail("has no signature value"), "its signature value");
                Jws.Verify(header, encodedProtected + "." + payload, value, jwks, "it");
            }
            catch (CheckFailed e)
            {
                problems.Add($"{under.Label} signature #{i}: {e.Message}");
            }
        }
        Check.NoProblems(problems, "some card signatures do not verify");
    }

    [Then("every signature's protected header has typ {string}")]
    public void SignaturesHaveType(string typ) => Check.NoProblems([.. Signatures
        .Where(s => ProtectedHeader(s.Signature)?.Str("typ") != typ)
        .Select(s => $"{s.Under.Label} signature #{s.Index} has typ \"{ProtectedHeader(s.Signature)?.Str("typ")}\"")],
        $"some card signatures do not say typ {typ}");

    [Then("every jku is the jwks_uri of the discovery metadata")]
    public async Task JkuIsJwksUri()
    {
        var jwksUri = (await target.EndpointAsync("jwks_uri")).AbsoluteUri;
        Check.NoProblems([.. Signatures
            .Select(s => (s.Under, s.Index, Jku: ProtectedHeader(s.Signature)?.Str("jku")))
            .Where(s => s.Jku is not null && s.Jku != jwksUri)
            .Select(s => $"{s.Under.Label} signature #{s.Index} has jku {s.Jku}")], $"some jku values are not {jwksUri}");
    }

    [Then("every card answer has Cache-Control max-age and an ETag")]
    public void CardsAreCacheable()
    {
        var problems = new List<string>();
        foreach (var under in _cards.Where(c => c.Card is not null))
        {
            if (!MaxAge().IsMatch(under.Answer.Header("Cache-Control") ?? "")) problems.Add($"{under.Label} has Cache-Control \"{under.Answer.Header("Cache-Control")}\", without max-age");
            if (under.Answer.Header("ETag") is null) problems.Add($"{under.Label} has no ETag");
        }
        Check.NoProblems(problems, "some cards cannot be cached");
    }

    [Then("asking for every card again with If-None-Match answers 304 Not Modified")]
    public async Task CardsRevalidate()
    {
        var problems = new List<string>();
        foreach (var under in _cards.Where(c => c.Card is not null && c.Answer.Header("ETag") is not null))
        {
            var again = await target.GetCardAsync(under.Answer.Url, new KeyValuePair<string, string>("If-None-Match", under.Answer.Header("ETag")!));
            if (again.Status != 304) problems.Add($"{under.Label}: with If-None-Match, {again.Describe()}");
        }
        Check.NoProblems(problems, "some cards do not revalidate");
    }

    private static IEnumerable<JsonObject> OAuthSchemes(JsonObject card) =>
        card.Obj("securitySchemes")?.Select(p => p.Value.Obj("oauth2SecurityScheme")).OfType<JsonObject>() ?? [];

    private static JsonObject? ProtectedHeader(JsonObject signature)
    {
        try
        {
            return signature.Str("protected") is { } encoded ? Jws.DecodeJson(encoded, "the protected header") : null;
        }
        catch (CheckFailed)
        {
            return null;
        }
    }

    [GeneratedRegex(@"(^|[\s,])max-age=\d+")]
    private static partial Regex MaxAge();
}
