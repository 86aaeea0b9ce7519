using System.Globalization;
using System.Text.RegularExpressions;
using AgentIdP.InteropKit.Target;

namespace AgentIdP.InteropKit.Features.RateLimits;

/// <summary>
/// Rate-limit answers: <c>Retry-After</c> (RFC 9110 §10.2.3) and the IETF RateLimit header fields. Both the current
/// draft's form (<c>RateLimit-Policy: "default";q=100;w=60</c>, <c>RateLimit: "default";r=42;t=30</c>) and the older
/// one (<c>RateLimit-Policy: 100;w=60</c>, <c>RateLimit: limit=100, remaining=42, reset=30</c>) are accepted.
/// </summary>
[Binding]
public sealed partial class RateLimitSteps(TargetClient target)
{
    private const string TenantApi = "/api/tenant";
    private const int BurstWithoutPolicy = 100;
    private const int MaxBurst = 500;
    private const int Wave = 25;

    private Answer? _answer;
    private Answer? _limited;
    private bool _announced;

    [Given("the tenant API announces its rate limit with a RateLimit-Policy header")]
    public async Task Announces()
    {
        _answer = await target.GetAsAdminAsync(TenantApi);
        if (_answer.Status == 404) throw Check.Skip($"the target has no AgentIdP tenant API (GET {TenantApi} answered 404)");
        if (_answer.Header("RateLimit-Policy") is null) throw Check.Skip("the target sends no RateLimit-Policy header, so it announces no rate limit");
    }

    [Then("the RateLimit-Policy header names a quota")]
    public void PolicyNamesQuota()
    {
        var policy = _answer!.Header("RateLimit-Policy")!;
        Check.That(Quota(policy) is not null, $"RateLimit-Policy \"{policy}\" names no quota (q=<integer>, or a bare integer in older drafts)");
    }

    [Then("the RateLimit header names the remaining quota")]
    public void NamesRemaining()
    {
        var header = _answer!.Header("RateLimit");
        Check.That(header is not null, "the answer carries RateLimit-Policy but no RateLimit header");
        Check.That(Remaining().IsMatch(header!), $"RateLimit \"{header}\" names no remaining quota (r=<integer>, or remaining=<integer> in older drafts)");
    }

    [When("the kit sends requests to the tenant API until one is limited")]
    public async Task Burst()
    {
        var first = await target.GetAsAdminAsync(TenantApi);
        if (first.Status == 404) throw Check.Skip($"the target has no AgentIdP tenant API (GET {TenantApi} answered 404)");
        _announced = first.Header("RateLimit-Policy") is not null;
        // Three times the smallest quota: enough to empty a bucket even while it refills between slow requests.
        var count = Quota(first.Header("RateLimit-Policy") ?? "") is { } quota ? (int)Math.Min(3 * quota + 10, MaxBurst) : BurstWithoutPolicy;
        var token = await target.AdminTokenAsync();
        // In concurrent waves, so that network latency does not let a per-second limit refill between requests.
        for (var sent = 0; sent < count && _limited is null; sent += Wave)
        {
            var answers = await Task.WhenAll(Enumerable.Range(0, Math.Min(Wave, count - sent))
                .Select(_ => target.SendAsync(HttpMethod.Get, target.Url(TenantApi), token, acceptLimits: true)));
            _limited = answers.FirstOrDefault(a => a.Status == 429);
        }
        if (_limited is null) throw Check.Skip($"none of {count + 1} quick requests to {TenantApi} was rate-limited");
    }

    [Then("the limited answer is 429 with a Retry-After delay")]
    public void RetryAfter()
    {
        var value = _limited!.Header("Retry-After");
        Check.That(value is not null, "the 429 answer has no Retry-After header");
        var valid = (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
            || DateTimeOffset.TryParseExact(value, "r", CultureInfo.InvariantCulture, DateTimeStyles.None, out _);
        Check.That(valid, $"Retry-After is \"{value}\", neither delay-seconds nor an HTTP date");
    }

    [Then("the limited answer carries RateLimit headers if the target announces them")]
    public void LimitedAnswerAnnounces()
    {
        if (!_announced) return;
        Check.That(_limited!.Header("RateLimit-Policy") is not null && _limited.Header("RateLimit") is not null,
            "the target announces RateLimit headers on ordinary answers but not on its 429");
    }

    /// <summary>The smallest quota the policy names (several policies, e.g. per second and per day, may be listed).</summary>
    private static long? Quota(string policy) =>
        QuotaParameter().Matches(policy).Select(m => (long?)long.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).Min()
        ?? (BareQuota().Match(policy) is { Success: true } bare ? long.Parse(bare.Groups[1].Value, CultureInfo.InvariantCulture) : null);

    [GeneratedRegex(@";\s*q=(\d+)")]
    private static partial Regex QuotaParameter();

    [GeneratedRegex(@"^\s*(\d+)\s*(;|,|$)")]
    private static partial Regex BareQuota();

    [GeneratedRegex(@"(;\s*r=\d+)|(\bremaining=\d+)")]
    private static partial Regex Remaining();
}
