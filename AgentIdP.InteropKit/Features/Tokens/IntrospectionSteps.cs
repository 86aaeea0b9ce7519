using AgentIdP.InteropKit.Target;

namespace AgentIdP.InteropKit.Features.Tokens;

[Binding]
public sealed class IntrospectionSteps(TargetClient target, ScenarioState state)
{
    private const string NeverIssued = "interop-kit.never-issued.token";
    private static readonly TimeSpan RevocationSpread = TimeSpan.FromSeconds(5);
    private string? _token;

    private string Token => _token ?? throw new InvalidOperationException("The scenario holds no token yet.");

    [Given("the metadata declares an/a {word}")]
    public async Task DeclaresEndpoint(string endpoint)
    {
        if (!await target.DeclaresAsync(endpoint)) throw Check.Skip($"the metadata declares no {endpoint}");
    }

    [Given("the kit holds a fresh access token")]
    public async Task HoldsFreshToken() => _token = await target.NewTokenAsync();

    [Given("the token opens the tenant API")]
    public async Task TokenOpensTenantApi()
    {
        var answer = await target.GetAsync(target.Url("/api/tenant"), Token);
        if (answer.Status == 404) throw Check.Skip("the target has no AgentIdP tenant API (GET /api/tenant answered 404)");
        answer.ExpectStatus(200);
    }

    [When("the kit introspects the token")]
    public async Task Introspect() => state.Answer = await IntrospectAsync(Token, authenticate: true);

    [When("the kit introspects a token the IdP never issued")]
    public async Task IntrospectUnknown() => state.Answer = await IntrospectAsync(NeverIssued, authenticate: true);

    [When("the kit introspects the token without authenticating")]
    public async Task IntrospectAnonymously() => state.Answer = await IntrospectAsync(Token, authenticate: false);

    [When("the kit revokes the token")]
    public async Task Revoke() => state.Answer = await RevokeAsync(Token);

    [When("the kit revokes a token the IdP never issued")]
    public async Task RevokeUnknown() => state.Answer = await RevokeAsync(NeverIssued);

    [Then("the introspection says active, with the token's client_id and exp")]
    public void SaysActive()
    {
        var body = state.Answer.ExpectStatus(200).JsonObject();
        Check.That(body["active"]?.GetValueKind() == System.Text.Json.JsonValueKind.True, $"a fresh token introspects as {body.ToJsonString()}");
        var claims = Jws.DecodeJson(Jws.ParseCompact(Token, "the access token").EncodedPayload, "the access token's payload");
        Check.That(body.Str("client_id") is null || body.Str("client_id") == claims.Str("client_id"),
            $"introspection says client_id \"{body.Str("client_id")}\", the token says \"{claims.Str("client_id")}\"");
        Check.That(body.Long("exp") is null || body.Long("exp") == claims.Long("exp"),
            $"introspection says exp {body.Long("exp")}, the token says {claims.Long("exp")}");
    }

    [Then("the introspection says inactive")]
    public void SaysInactive() => CheckInactive(state.Answer);

    [Then("the introspection endpoint refuses the request")]
    public void Refuses()
    {
        // RFC 7662 §2.1: the endpoint requires authorization, so that nobody can scan for valid tokens.
        Check.That(state.Answer.Status is >= 400 and < 500, $"introspection without client authentication: {state.Answer.Describe()}");
    }

    [Then("the revocation answers 200")]
    public void RevocationAnswers200() => state.Answer.ExpectStatus(200);

    [Then("introspecting the token says inactive")]
    public async Task IntrospectionAfterRevocation() => await WithinSpreadAsync(async () =>
    {
        var answer = await IntrospectAsync(Token, authenticate: true);
        CheckInactive(answer);
    });

    [Then("the tenant API refuses the token with 401")]
    public async Task TenantApiRefuses() => await WithinSpreadAsync(async () =>
    {
        var answer = await target.GetAsync(target.Url("/api/tenant"), Token);
        Check.That(answer.Status == 401, $"the revoked token still works: {answer.Describe()}");
    });

    private static void CheckInactive(Answer answer)
    {
        var body = answer.ExpectStatus(200).JsonObject();
        Check.That(body["active"]?.GetValueKind() == System.Text.Json.JsonValueKind.False, $"introspection says {body.ToJsonString()}, not active: false");
    }

    private async Task<Answer> IntrospectAsync(string token, bool authenticate) =>
        await target.PostFormAsync(await target.EndpointAsync("introspection_endpoint"), new Dictionary<string, string> { ["token"] = token },
            authenticate ? (target.Options.ClientId, target.Options.ClientSecret) : null);

    private async Task<Answer> RevokeAsync(string token) =>
        await target.PostFormAsync(await target.EndpointAsync("revocation_endpoint"), new Dictionary<string, string> { ["token"] = token },
            (target.Options.ClientId, target.Options.ClientSecret));

    /// <summary>A revocation may take a moment to reach every replica; the check gets a few seconds before it fails.</summary>
    private static async Task WithinSpreadAsync(Func<Task> check)
    {
        var deadline = DateTime.UtcNow + RevocationSpread;
        while (true)
        {
            try
            {
                await check();
                return;
            }
            catch (CheckFailed) when (DateTime.UtcNow < deadline)
            {
                await Task.Delay(250);
            }
        }
    }
}
