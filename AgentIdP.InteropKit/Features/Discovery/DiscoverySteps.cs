using AgentIdP.InteropKit.Target;

namespace AgentIdP.InteropKit.Features.Discovery;

[Binding]
public sealed class DiscoverySteps(TargetClient target, ScenarioState state)
{
    [When("the kit reads the OpenID configuration")]
    public async Task ReadOpenIdConfiguration() => state.Answer = await target.GetAsync(target.OpenIdConfigurationUrl);

    [When("the kit reads the RFC 8414 authorization server metadata")]
    public async Task ReadAuthorizationServerMetadata() => state.Answer = await target.GetAsync(target.AuthorizationServerMetadataUrl);

    [Then("the answer is a JSON object")]
    public void AnswerIsJsonObject()
    {
        state.Answer.ExpectStatus(200);
        Check.That(state.Answer.MediaType is "application/json" || state.Answer.MediaType.EndsWith("+json", StringComparison.Ordinal),
            $"{state.Answer.Method} {state.Answer.Url.PathAndQuery} answered Content-Type \"{state.Answer.MediaType}\", not JSON");
        state.Answer.JsonObject();
    }

    [Then("its issuer is the base URL")]
    public void IssuerIsBaseUrl()
    {
        // RFC 8414 §3.3 / OIDC Discovery §4.3: the issuer is exactly the identifier the document was found under.
        var issuer = state.Answer.JsonObject().Str("issuer");
        Check.That(issuer is not null, $"{state.Answer.Url.AbsolutePath} has no issuer");
        Check.That(issuer!.TrimEnd('/') == target.Issuer, $"the issuer is \"{issuer}\", but the metadata was found under {target.Issuer}");
    }

    [Then("it names absolute endpoint URLs for {word} and {word}")]
    public void NamesEndpoints(string first, string second)
    {
        var metadata = state.Answer.JsonObject();
        foreach (var name in new[] { first, second })
        {
            Check.That(JsonExtensions.IsSecureOrLoopbackUrl(metadata.Str(name)),
                $"{name} is \"{metadata.Str(name)}\", not an absolute HTTPS URL (HTTP only on loopback)");
        }
    }

    [Then("it agrees with the OpenID configuration on {}")]
    public async Task AgreesWithOpenIdConfiguration(string members)
    {
        var openId = await target.MetadataAsync();
        var rfc8414 = state.Answer.JsonObject();
        var problems = StepText.List(members)
            .Where(name => openId.Str(name) != rfc8414.Str(name))
            .Select(name => $"{name} is \"{rfc8414.Str(name)}\" here but \"{openId.Str(name)}\" in the OpenID configuration")
            .ToList();
        Check.NoProblems(problems, "the two metadata documents disagree");
    }

    [Then("grant_types_supported lists client_credentials")]
    public void ListsClientCredentials()
    {
        var grants = state.Answer.JsonObject().Arr("grant_types_supported").Strings().ToList();
        Check.That(grants.Contains("client_credentials"),
            $"grant_types_supported is [{string.Join(", ", grants)}] (RFC 8414 reads a missing list as authorization_code and implicit only)");
    }

    [Then("clients may authenticate with client_secret_basic")]
    public void AcceptsClientSecretBasic()
    {
        // RFC 8414 §2: when token_endpoint_auth_methods_supported is omitted, client_secret_basic is the default.
        var methods = state.Answer.JsonObject().Arr("token_endpoint_auth_methods_supported");
        Check.That(methods is null || methods.Strings().Contains("client_secret_basic"),
            $"token_endpoint_auth_methods_supported is [{string.Join(", ", methods.Strings())}], without client_secret_basic");
    }
}
