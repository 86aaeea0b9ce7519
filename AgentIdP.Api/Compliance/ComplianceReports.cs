using AgentIdP.Api.Data;
using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using System.IO.Compression;
using Microsoft.Extensions.Caching.Memory;
using System.Text;
using System.Text.Json;
using AgentIdP.Api.Keys;
using StackExchange.Redis;

namespace AgentIdP.Api.Compliance;

/// <summary>
/// A generated report in its forms, each with its strong ETag: JSON, the same JSON gzip-compressed once (a report
/// for a thousand agents is megabytes; most clients accept gzip), and the compact JWS.
/// </summary>
public sealed record CachedReport(byte[] Json, string ETag, byte[] JsonGzip, string GzipETag, byte[] Jws, string JwsETag,
    DateTimeOffset GeneratedAt, DateTimeOffset CachedUntil)
{
    public static CachedReport Of(byte[] json, byte[] jws, DateTimeOffset generatedAt, DateTimeOffset cachedUntil)
    {
        using var compressed = new MemoryStream(json.Length / 8);
        using (var gzip = new GZipStream(compressed, CompressionLevel.Fastest, leaveOpen: true)) gzip.Write(json);
        var jsonGzip = compressed.ToArray();
        return new CachedReport(json, Served.ETagOf(json), jsonGzip, Served.ETagOf(jsonGzip), jws, Served.ETagOf(jws), generatedAt, cachedUntil);
    }
}

/// <summary>
/// Compliance reports cached for <see cref="CacheFor"/> per tenant: in Redis, shared by every replica (the first
/// replica to store a report wins, so all serve the same bytes), and in memory in front of Redis. Freshness follows
/// the report's own <c>cachedUntil</c> on the injected clock; the Redis expiry only cleans up. Concurrent requests
/// for a tenant whose report is stale share one generation.
/// </summary>
public sealed partial class ComplianceReports(
    ComplianceReportBuilder builder, SigningKeyStore keys, IConnectionMultiplexer redis, TimeProvider clock, IMeterFactory meters,
    ILogger<ComplianceReports> logger)
{
    public static readonly TimeSpan CacheFor = TimeSpan.FromMinutes(5);
    public const string JwsType = "agentidp-compliance-report+jwt";
    public const string MeterName = "AgentIdP.Compliance";

    // From the host's meter factory, not a static: each host (each test server) has its own instruments, disposed with it.
    // The factory hands out one meter per name, so both instruments share it.
    private readonly Histogram<double> _generationSeconds = meters.Create(MeterName).CreateHistogram<double>(
        "agentidp.compliance.report.generation", "s", "Time to generate a compliance report (cache miss)");
    private readonly Counter<long> _cacheHits = meters.Create(MeterName).CreateCounter<long>(
        "agentidp.compliance.report.cache_hits", description: "Reports served from cache");
    private static readonly ActivitySource Activity = new(MeterName);

    // Megabytes per large tenant: entries leave memory when their window ends, not only when replaced.
    private readonly MemoryCache _memory = new(new MemoryCacheOptions());
    private readonly ConcurrentDictionary<Guid, Lazy<Task<CachedReport?>>> _generating = new();

    public static string RedisKey(Guid tenantId) => $"compliance:report:{tenantId}";

    /// <summary>The tenant's current report, generated when none is fresh; null when the tenant does not exist.</summary>
    public async Task<CachedReport?> GetAsync(Guid tenantId, CancellationToken ct)
    {
        var now = clock.GetUtcNow();
        if (_memory.TryGetValue(tenantId, out CachedReport? local) && now < local!.CachedUntil)
        {
            _cacheHits.Add(1);
            return local;
        }
        if (await ReadSharedAsync(tenantId) is { } shared && now < shared.CachedUntil)
        {
            Remember(tenantId, shared);
            _cacheHits.Add(1);
            return shared;
        }
        var generation = _generating.GetOrAdd(tenantId, id => new Lazy<Task<CachedReport?>>(() => GenerateAsync(id)));
        try
        {
            return await generation.Value.WaitAsync(ct);
        }
        finally
        {
            _generating.TryRemove(KeyValuePair.Create(tenantId, generation));
        }
    }

    private async Task<CachedReport?> GenerateAsync(Guid tenantId)
    {
        using var activity = Activity.StartActivity("compliance.report.generate");
        var started = Stopwatch.GetTimestamp();
        var generatedAt = clock.GetUtcNow();
        // Generation is shared by every waiting request, so one caller going away does not cancel it.
        var report = await builder.BuildAsync(tenantId, generatedAt, generatedAt + CacheFor, CancellationToken.None);
        if (report is null) return null;

        var json = JsonSerializer.SerializeToUtf8Bytes(report, ComplianceReportBuilder.Json);
        var key = keys.Active;
        var jws = Encoding.ASCII.GetBytes(key.Sign(key.EncodedHeader(JwsType), json));
        var fresh = CachedReport.Of(json, jws, report.GeneratedAt, report.CachedUntil);
        var winner = await StoreSharedAsync(tenantId, fresh);
        Remember(tenantId, winner);
        _generationSeconds.Record(Stopwatch.GetElapsedTime(started).TotalSeconds);
        LogGenerated(logger, tenantId, report.Agents.Count, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        return winner;
    }

    private void Remember(Guid tenantId, CachedReport report) => _memory.Set(tenantId, report, CacheFor);

    private async Task<CachedReport?> ReadSharedAsync(Guid tenantId)
    {
        try
        {
            var fields = await redis.GetDatabase().HashGetAllAsync(RedisKey(tenantId));
            return fields.Length == 0 ? null : FromHash(fields.ToDictionary(f => f.Name.ToString(), f => f.Value));
        }
        catch (Exception e) when (RedisUnavailable.Is(e))
        {
            LogRedisUnavailable(logger, e.Message);
            return null;
        }
    }

    /// <summary>
    /// Stores <paramref name="fresh"/> unless another replica stored a report that is still fresh, which is then
    /// returned instead: every replica serves one report per window.
    /// </summary>
    private async Task<CachedReport> StoreSharedAsync(Guid tenantId, CachedReport fresh)
    {
        try
        {
            var database = redis.GetDatabase();
            var key = RedisKey(tenantId);
            var tx = database.CreateTransaction();
            tx.AddCondition(Condition.KeyNotExists(key));
            _ = tx.HashSetAsync(key, ToHash(fresh));
            _ = tx.KeyExpireAsync(key, CacheFor);
            if (await tx.ExecuteAsync()) return fresh;
            if (await ReadSharedAsync(tenantId) is { } other && clock.GetUtcNow() < other.CachedUntil) return other;
            // What is there is stale (older than this clock's window): replace it.
            await database.KeyDeleteAsync(key);
            await database.HashSetAsync(key, ToHash(fresh));
            await database.KeyExpireAsync(key, CacheFor);
            return fresh;
        }
        catch (Exception e) when (RedisUnavailable.Is(e))
        {
            LogRedisUnavailable(logger, e.Message);
            return fresh;
        }
    }

    private static HashEntry[] ToHash(CachedReport r) =>
    [
        new("json", r.Json), new("jws", r.Jws), new("generatedAt", r.GeneratedAt.ToUnixTimeMilliseconds()),
        new("cachedUntil", r.CachedUntil.ToUnixTimeMilliseconds()),
    ];

    private static CachedReport? FromHash(Dictionary<string, RedisValue> h)
    {
        if (!h.TryGetValue("json", out var json) || !h.TryGetValue("jws", out var jws)
            || !h.TryGetValue("generatedAt", out var generated) || !h.TryGetValue("cachedUntil", out var until))
        {
            return null;
        }
        return CachedReport.Of(json!, jws!, DateTimeOffset.FromUnixTimeMilliseconds((long)generated), DateTimeOffset.FromUnixTimeMilliseconds((long)until));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Generated the compliance report of tenant {TenantId}: {Agents} agents in {Milliseconds:F0} ms")]
    private static partial void LogGenerated(ILogger logger, Guid tenantId, int agents, double milliseconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Redis unavailable for compliance reports; serving from this replica: {Reason}")]
    private static partial void LogRedisUnavailable(ILogger logger, string reason);
}
