using System.Security.Cryptography;
using AgentIdP.Api.Analytics;
using AgentIdP.Api.Keys;
using AgentIdP.Api.OAuth;
using AgentIdP.Api.Platform;
using AgentIdP.Api.Tiers;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace AgentIdP.Bench;

/// <summary>BenchmarkDotNet micro benchmarks of the hot pieces: token signing, secret check, limiter decision, analytics increment.</summary>
public static class Micro
{
    public static int Run(string[] args)
    {
        var smoke = args.Contains("--smoke");
        var config = DefaultConfig.Instance
            // In process: no generated project to build, and the numbers are the same code path the API runs.
            .AddJob((smoke ? Job.Dry : Job.ShortRun).WithToolchain(BenchmarkDotNet.Toolchains.InProcess.Emit.InProcessEmitToolchain.Instance))
            .WithOptions(ConfigOptions.DisableOptimizationsValidator)
            .WithArtifactsPath(Path.Combine(Path.GetTempPath(), "agentidp-bench-artifacts"));
        var summaries = BenchmarkRunner.Run(typeof(Micro).Assembly, config, [.. args.Where(a => a != "--smoke")]);
        return summaries.All(s => !s.HasCriticalValidationErrors && s.Reports.All(r => r.Success)) ? 0 : 1;
    }
}

[MemoryDiagnoser]
public class TokenSigning
{
    private readonly SigningKey _key = new("bench", ECDsa.Create(ECCurve.NamedCurves.nistP256), null, null);
    private readonly ClientRecord _client = new("agt_0123456789abcdef01234567", Guid.NewGuid(), ClientKind.Agent, Guid.NewGuid(), true,
        ["a2a:invoke", "invoices:read"], [], []);

    [Benchmark(Description = "Issue an ES256 access token")]
    public string Issue() => TokenIssuer.Issue(_key, "https://idp.example.com", 3600, 1_790_000_000, _client, "a2a:invoke invoices:read");
}

[MemoryDiagnoser]
public class SecretCheck
{
    private readonly ClientSecrets _secrets = new(Options.Create(new IdentityOptions { SecretPepper = new string('p', 48) }));
    private readonly string _secret = ClientSecrets.Generate();
    private byte[] _hash = [];

    [GlobalSetup]
    public void Setup() => _hash = _secrets.Hash(_secret);

    [Benchmark(Description = "Check a client secret (HMAC-SHA-256, constant time)")]
    public bool Check() => _secrets.Matches(_secret, _hash);
}

[MemoryDiagnoser]
public class LimiterDecision : IDisposable
{
    private readonly LocalBuckets<(Guid, Tier)> _buckets = new(key => (TierConfig.For(key.Item2).RequestsPerSecond, TierConfig.For(key.Item2).Burst));
    private readonly Guid _tenant = Guid.NewGuid();

    // The in-memory decision: failed authentications, anonymous reads, and a tenant's per-second limit while Redis is
    // away (a tenant's normal decision is a Redis round trip, measured by the load scenarios). Once the bucket is empty
    // every decision is "reject"; admitting and rejecting take the same path and cost the same.
    [Benchmark(Description = "Local limiter decision (lock-free token bucket map)")]
    public bool Decide() => _buckets.TryTake((_tenant, Tier.Enterprise)) is null;

    public void Dispose()
    {
        _buckets.Dispose();
        GC.SuppressFinalize(this);
    }
}

[MemoryDiagnoser]
public class AnalyticsIncrement
{
    private AnalyticsRecorder _recorder = null!;
    private readonly Guid[] _agents = [.. Enumerable.Range(0, 128).Select(_ => Guid.NewGuid())];
    private readonly Guid _tenant = Guid.NewGuid();
    private int _next;

    [GlobalSetup]
    public void Setup()
    {
        var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        _recorder = new AnalyticsRecorder(Options.Create(new FeatureFlags { AnalyticsEnabled = true }), Options.Create(new AnalyticsOptions()),
            new AnalyticsTelemetry(services.GetRequiredService<System.Diagnostics.Metrics.IMeterFactory>()), TimeProvider.System);
    }

    // What the token endpoint does per issued token: one in-memory increment of an existing (tenant, agent, day, metric) cell.
    [Benchmark(Description = "Record an analytics increment (in memory, 128 agents)")]
    public void Record() => _recorder.Record(_tenant, _agents[_next++ & 127], AnalyticsMetric.TokenIssued);
}
