using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;

namespace AgentIdP.InteropKit.Target;

/// <summary>
/// The deployment under test, shared by every scenario of a run: HTTP with the kit's headers, and the facts many
/// scenarios need (discovery metadata, JWKS, the tenant-admin token, the tenant's agents), fetched once per run.
/// </summary>
public sealed class TargetClient : IDisposable
{
    /// <summary>Per-agent checks (DID documents, cards, records) look at this many agents.</summary>
    public const int MaxAgentsChecked = 25;
    private const int MaxAgentsListed = 1000;
    private const int PageSize = 100;
    private const int MaxAttemptsWhenLimited = 4;
    private const int MaxRetryAfterSeconds = 10;

    private readonly HttpClient _http;
    private Task<JsonObject>? _metadata;
    private Task<JwkSet>? _jwks;
    private Task<string>? _adminToken;
    private Task<TenantAgents>? _agents;
    private Task<bool>? _complianceDeployed;
    private readonly Dictionary<Uri, Task<Answer>> _cards = [];

    public TargetClient(KitOptions options)
    {
        Options = options;
        _http = new HttpClient { Timeout = options.RequestTimeout };
        _http.DefaultRequestHeaders.UserAgent.Add(new ProductInfoHeaderValue("AgentIdP-InteropKit", "1.0"));
    }

    public KitOptions Options { get; }

    /// <summary>The issuer identifier the kit was pointed at, without a trailing slash.</summary>
    public string Issuer => Options.BaseUrl.AbsoluteUri.TrimEnd('/');

    public Uri OpenIdConfigurationUrl => new(Issuer + "/.well-known/openid-configuration");

    /// <summary>RFC 8414 §3: the well-known segment goes between the host and the issuer's path.</summary>
    public Uri AuthorizationServerMetadataUrl =>
        new(Options.BaseUrl.GetLeftPart(UriPartial.Authority) + "/.well-known/oauth-authorization-server" + Options.BaseUrl.AbsolutePath.TrimEnd('/'));

    /// <summary>A path under the issuer (e.g. <c>/api/tenant</c>), or an absolute URL as given.</summary>
    public Uri Url(string pathOrUrl) => Uri.TryCreate(pathOrUrl, UriKind.Absolute, out var absolute) && absolute.Scheme.StartsWith("http", StringComparison.Ordinal)
        ? absolute : new Uri(Issuer + pathOrUrl);

    /// <summary>
    /// Sends one request. A 429 is waited out (its Retry-After, a few times) unless <paramref name="acceptLimits"/>:
    /// the kit behaves like a polite client, so a tenant on a small tier does not fail checks because of the kit's own pace.
    /// </summary>
    public async Task<Answer> SendAsync(HttpMethod method, Uri url, string? bearer = null, Func<HttpContent>? content = null,
        IEnumerable<KeyValuePair<string, string>>? headers = null, (string Id, string Secret)? basic = null, bool acceptLimits = false)
    {
        for (var attempt = 1; ; attempt++)
        {
            var answer = await SendOnceAsync(method, url, bearer, content?.Invoke(), headers, basic);
            if (acceptLimits || answer.Status != 429 || attempt == MaxAttemptsWhenLimited) return answer;
            var wait = int.TryParse(answer.Header("Retry-After"), out var seconds) ? Math.Clamp(seconds, 1, MaxRetryAfterSeconds) : 1;
            await Task.Delay(TimeSpan.FromSeconds(wait));
        }
    }

    private async Task<Answer> SendOnceAsync(HttpMethod method, Uri url, string? bearer, HttpContent? content,
        IEnumerable<KeyValuePair<string, string>>? headers, (string Id, string Secret)? basic)
    {
        using var request = new HttpRequestMessage(method, url) { Content = content };
        if (bearer is not null) request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        if (basic is { } credentials) request.Headers.Authorization = BasicCredentials(credentials.Id, credentials.Secret);
        foreach (var (name, value) in headers ?? []) request.Headers.TryAddWithoutValidation(name, value);
        using var response = await _http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        var all = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in response.Headers.Concat(response.Content.Headers)) all[name] = string.Join(", ", values);
        return new Answer(method, url, response.StatusCode, all, body);
    }

    public Task<Answer> GetAsync(Uri url, string? bearer = null, params KeyValuePair<string, string>[] headers) =>
        SendAsync(HttpMethod.Get, url, bearer, headers: headers);

    public Task<Answer> PostFormAsync(Uri url, IDictionary<string, string> form, (string Id, string Secret)? basic = null) =>
        SendAsync(HttpMethod.Post, url, content: () => new FormUrlEncodedContent(form), basic: basic);

    /// <summary>RFC 6749 §2.3.1: id and secret are form-urlencoded before they are joined and base64-encoded.</summary>
    public static AuthenticationHeaderValue BasicCredentials(string id, string secret) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes($"{FormEncode(id)}:{FormEncode(secret)}")));

    private static string FormEncode(string value) => Uri.EscapeDataString(value).Replace("%20", "+");

    public Task<JsonObject> MetadataAsync() => _metadata ??= LoadMetadataAsync();

    private async Task<JsonObject> LoadMetadataAsync()
    {
        var answer = await GetAsync(OpenIdConfigurationUrl);
        return answer.Status == 200 && answer.JsonOrNull() is JsonObject metadata ? metadata
            : throw Check.Fail($"the discovery metadata cannot be read: {answer.Describe()}");
    }

    /// <summary>An endpoint URL the discovery metadata names, e.g. <c>token_endpoint</c>.</summary>
    public async Task<Uri> EndpointAsync(string name)
    {
        var value = (await MetadataAsync()).Str(name);
        return Uri.TryCreate(value, UriKind.Absolute, out var url) ? url : throw Check.Fail($"the discovery metadata names no absolute {name}");
    }

    /// <summary>Whether the metadata declares an endpoint (introspection and revocation are optional in OAuth).</summary>
    public async Task<bool> DeclaresAsync(string name) => (await MetadataAsync()).Str(name) is not null;

    public Task<JwkSet> JwksAsync() => _jwks ??= LoadJwksAsync();

    private async Task<JwkSet> LoadJwksAsync()
    {
        var answer = await GetAsync(await EndpointAsync("jwks_uri"));
        return answer.Status == 200 && answer.JsonOrNull() is JsonObject jwks ? JwkSet.Parse(jwks)
            : throw Check.Fail($"the JWKS cannot be read: {answer.Describe()}");
    }

    public async Task<Answer> RequestTokenAsync(IDictionary<string, string>? form = null, (string Id, string Secret)? basic = null) =>
        await PostFormAsync(await EndpointAsync("token_endpoint"), form ?? new Dictionary<string, string> { ["grant_type"] = "client_credentials" },
            basic ?? (Options.ClientId, Options.ClientSecret));

    /// <summary>A fresh client-credentials token for the kit's client.</summary>
    public async Task<string> NewTokenAsync()
    {
        var answer = await RequestTokenAsync();
        Check.That(answer.Status == 200, $"the kit's client could not get a token ({answer.Describe()}); check --client-id and --client-secret");
        return answer.JsonObject().Str("access_token") ?? throw Check.Fail("the token answer has no access_token");
    }

    /// <summary>The token the kit calls the tenant API with, requested once per run.</summary>
    public Task<string> AdminTokenAsync() => _adminToken ??= NewTokenAsync();

    public async Task<Answer> GetAsAdminAsync(string pathOrUrl) => await GetAsync(Url(pathOrUrl), await AdminTokenAsync());

    public Task<TenantAgents> AgentsAsync() => _agents ??= LoadAgentsAsync();

    private async Task<TenantAgents> LoadAgentsAsync()
    {
        var tenantAnswer = await GetAsAdminAsync("/api/tenant");
        if (tenantAnswer.Status == 404) throw Check.Skip("the target has no AgentIdP tenant API (GET /api/tenant answered 404)");
        Check.That(tenantAnswer.Status == 200, $"the kit's client cannot read its tenant, so it is not a tenant admin ({tenantAnswer.Describe()})");
        var tenant = tenantAnswer.JsonObject();
        var agents = new List<JsonObject>();
        long total = 0;
        for (var page = 1; agents.Count < MaxAgentsListed; page++)
        {
            var list = (await GetAsAdminAsync($"/api/agents?page={page}&pageSize={PageSize}")).ExpectStatus(200).JsonObject();
            var items = list.Arr("items") ?? throw Check.Fail("GET /api/agents answered without an items array");
            total = list.Long("total") ?? items.Count;
            agents.AddRange(items.OfType<JsonObject>());
            if (items.Count < PageSize || agents.Count >= total) break;
        }
        return new TenantAgents(tenant, agents, total);
    }

    /// <summary>
    /// Whether the target runs AgentIdP's compliance features (cards, records, report): its compliance report answers.
    /// With them off (COMPLIANCE_ENABLED=false) or not deployed, the scenarios about them are skipped, not failed.
    /// </summary>
    public Task<bool> ComplianceDeployedAsync() => _complianceDeployed ??= ProbeComplianceAsync();

    private async Task<bool> ProbeComplianceAsync() => (await GetAsAdminAsync(CompliancePaths.Report)).Status != 404;

    /// <summary>The agents per-agent checks look at; skips the scenario when the tenant has none.</summary>
    public async Task<IReadOnlyList<JsonObject>> AgentsToCheckAsync()
    {
        var agents = (await AgentsAsync()).Agents;
        if (agents.Count == 0) throw Check.Skip("the tenant has no agents to check; register one and run the kit again");
        return [.. agents.Take(MaxAgentsChecked)];
    }

    /// <summary>A card, fetched once per run the way an A2A client would (A2A-Version header).</summary>
    public Task<Answer> CardAsync(Uri url)
    {
        lock (_cards)
        {
            if (!_cards.TryGetValue(url, out var answer)) _cards[url] = answer = GetCardAsync(url);
            return answer;
        }
    }

    public Task<Answer> GetCardAsync(Uri url, params KeyValuePair<string, string>[] extra) =>
        GetAsync(url, null, [new("A2A-Version", Profile.A2A), new("Accept", "application/json"), .. extra]);

    public void Dispose() => _http.Dispose();
}

/// <summary>Where AgentIdP serves its compliance documents.</summary>
public static class CompliancePaths
{
    public const string Report = "/api/compliance/report";
    public const string SignedReport = Report + ".jws";

    public static string Card(string tenantId, string agentId) => $"/tenants/{tenantId}/agents/{agentId}/.well-known/agent-card.json";

    public static string Record(string agentId) => $"/api/agents/{agentId}/oasf-record";
}

public sealed record TenantAgents(JsonObject Tenant, IReadOnlyList<JsonObject> Agents, long Total)
{
    public string TenantId => Tenant.Str("id") ?? throw Check.Fail("GET /api/tenant answered without an id");
}
