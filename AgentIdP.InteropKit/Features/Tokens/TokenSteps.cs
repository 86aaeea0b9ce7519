using System.Text.Json.Nodes;
using AgentIdP.InteropKit.Target;

namespace AgentIdP.InteropKit.Features.Tokens;

[Binding]
public sealed class TokenSteps(TargetClient target, ScenarioState state)
{
    private static readonly string[] StandardClaims = ["iss", "sub", "aud", "exp", "iat", "jti", "scope", "client_id"];
    private static readonly Dictionary<string, string> ClientCredentials = new() { ["grant_type"] = "client_credentials" };

    private Jws.Compact AccessToken => Jws.ParseCompact(
        state.Answer.ExpectStatus(200).JsonObject().Str("access_token") ?? throw Check.Fail("the token answer has no access_token"), "the access token");

    private JsonObject Claims => Jws.DecodeJson(AccessToken.EncodedPayload, "the access token's payload");

    [Given("the metadata declares the token endpoint auth method {word}")]
    public async Task DeclaresAuthMethod(string method)
    {
        var methods = (await target.MetadataAsync()).Arr("token_endpoint_auth_methods_supported").Strings();
        if (!methods.Contains(method)) throw Check.Skip($"the metadata does not declare {method} in token_endpoint_auth_methods_supported");
    }

    [When("the kit requests a token with client_secret_basic")]
    public async Task RequestWithBasic() => state.Answer = await target.RequestTokenAsync();

    [When("the kit requests a token with client_secret_post")]
    public async Task RequestWithPost() => state.Answer = await target.PostFormAsync(await target.EndpointAsync("token_endpoint"),
        new Dictionary<string, string>(ClientCredentials) { ["client_id"] = target.Options.ClientId, ["client_secret"] = target.Options.ClientSecret });

    [When("the kit requests a token with a wrong secret for its client id")]
    public async Task RequestWithWrongSecret() =>
        state.Answer = await target.RequestTokenAsync(basic: (target.Options.ClientId, target.Options.ClientSecret + "-not-the-secret"));

    [When("the kit requests a token for a client id the IdP does not know")]
    public async Task RequestForUnknownClient() =>
        state.Answer = await target.RequestTokenAsync(basic: ($"interop-kit-unknown-{Guid.NewGuid():N}", "no-such-secret"));

    [When("the kit requests a token with grant_type {string}")]
    public async Task RequestWithGrantType(string grantType) =>
        state.Answer = await target.RequestTokenAsync(new Dictionary<string, string> { ["grant_type"] = grantType });

    [When("the kit requests a token with scope {string}")]
    public async Task RequestWithScope(string scope) =>
        state.Answer = await target.RequestTokenAsync(new Dictionary<string, string>(ClientCredentials) { ["scope"] = scope });

    [When("the kit requests a token without a grant_type")]
    public async Task RequestWithoutGrantType() => state.Answer = await target.RequestTokenAsync(new Dictionary<string, string>());

    [Then("the token answer is 200 with a Bearer access token and a positive expires_in")]
    public void TokenAnswered()
    {
        var body = state.Answer.ExpectStatus(200).JsonObject();
        Check.That(body.Str("access_token") is { Length: > 0 }, "the token answer has no access_token");
        Check.That(string.Equals(body.Str("token_type"), "Bearer", StringComparison.OrdinalIgnoreCase),
            $"token_type is \"{body.Str("token_type")}\", not Bearer");
        Check.That(body.Long("expires_in") is > 0, $"expires_in is {body["expires_in"]?.ToJsonString() ?? "missing"}, not a positive number of seconds");
    }

    [Then("the token answer forbids caching")]
    public void NotCached() =>
        // RFC 6749 §5.1: the answer carries Cache-Control: no-store.
        Check.That(state.Answer.Header("Cache-Control")?.Contains("no-store", StringComparison.OrdinalIgnoreCase) == true,
            $"the token answer has Cache-Control \"{state.Answer.Header("Cache-Control")}\", without no-store");

    [Then("the access token names a kid the JWKS publishes")]
    public async Task KidIsPublished()
    {
        var jwks = await target.JwksAsync();
        var kid = AccessToken.Header.Str("kid");
        Check.That(kid is not null, "the access token's header names no kid");
        Check.That(jwks.Find(kid!) is not null, $"the access token is signed with kid \"{kid}\", which the JWKS does not publish ({jwks.Describe()})");
    }

    [Then("the access token's signature verifies against the JWKS")]
    public async Task SignatureVerifies()
    {
        var token = AccessToken;
        Jws.Verify(token.Header, token.SigningInput, token.Signature, await target.JwksAsync(), "the access token");
    }

    [Then("the access token carries iss, sub, aud, exp, iat, jti, scope and client_id")]
    public void CarriesStandardClaims()
    {
        var claims = Claims;
        var missing = StandardClaims.Where(c => claims[c] is null).ToList();
        Check.That(missing.Count == 0, $"the access token lacks {string.Join(", ", missing)}");
    }

    [Then("the access token's iss is the issuer and its sub and client_id are the kit's client id")]
    public void NamesIssuerAndClient()
    {
        var claims = Claims;
        Check.That(claims.Str("iss")?.TrimEnd('/') == target.Issuer, $"iss is \"{claims.Str("iss")}\", not the issuer {target.Issuer}");
        Check.That(claims.Str("client_id") == target.Options.ClientId, $"client_id is \"{claims.Str("client_id")}\", not the kit's client id");
        Check.That(claims.Str("sub") == target.Options.ClientId, $"sub is \"{claims.Str("sub")}\", not the kit's client id");
    }

    [Then("the access token's exp is in the future and agrees with expires_in")]
    public void Expires()
    {
        var exp = Claims.Long("exp");
        Check.That(exp is not null, "the access token has no numeric exp");
        var now = DateTimeOffset.UtcNow.ToUnixTimeSeconds();
        var expiresIn = state.Answer.JsonObject().Long("expires_in") ?? 0;
        Check.That(exp > now, $"the fresh access token expired at {DateTimeOffset.FromUnixTimeSeconds(exp!.Value):O}");
        // A minute of clock skew either way between the kit and the IdP.
        Check.That(Math.Abs(exp.Value - (now + expiresIn)) <= 60, $"exp is {exp - now} s away, but expires_in says {expiresIn} s");
    }

    [Then("the token endpoint answers {int} with error {word}")]
    public void AnswersError(int status, string error)
    {
        var answer = state.Answer;
        Check.That(answer.Status == status, $"expected {status} {error}, but {answer.Describe()}");
        var body = answer.JsonOrNull() as JsonObject;
        Check.That(body?.Str("error") == error, $"expected error \"{error}\", but {answer.Describe()}");
    }

    [Then("the answer carries a WWW-Authenticate header")]
    public void CarriesWwwAuthenticate() =>
        // RFC 6749 §5.2: a client that authenticated with the Authorization header gets a 401 with WWW-Authenticate.
        Check.That(state.Answer.Header("WWW-Authenticate") is { Length: > 0 }, "the 401 answer has no WWW-Authenticate header");
}
