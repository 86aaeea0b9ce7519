using System.Net;
using System.Text.Json.Nodes;
using AgentIdP.Api.Analytics;
using AgentIdP.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace AgentIdP.Api.Tests.Analytics;

/// <summary>Rollups written and read straight in the database, and the calls analytics tests repeat.</summary>
public static class AnalyticsTestData
{
    public static async Task InsertAsync(string database, Guid tenant, Guid? agent, string day, long count, string metric = "token_issued")
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        await using var cmd = new NpgsqlCommand("""
            INSERT INTO analytics_events (tenant_id, agent_id, metric, day, count) VALUES (@tenant, @agent, @metric, @day, @count)
            ON CONFLICT ON CONSTRAINT analytics_events_key DO UPDATE SET count = analytics_events.count + EXCLUDED.count
            """, connection);
        cmd.Parameters.AddWithValue("tenant", tenant);
        cmd.Parameters.AddWithValue("agent", agent.HasValue ? agent.Value : DBNull.Value);
        cmd.Parameters.AddWithValue("metric", metric);
        cmd.Parameters.AddWithValue("day", DateOnly.Parse(day, System.Globalization.CultureInfo.InvariantCulture));
        cmd.Parameters.AddWithValue("count", count);
        await cmd.ExecuteNonQueryAsync();
    }

    /// <summary>The stored count for a tenant's metric, optionally for one agent (<see cref="Guid.Empty"/>: tenant level only).</summary>
    public static async Task<long> SumAsync(string database, Guid tenant, string metric, Guid? agent = null)
    {
        await using var connection = new NpgsqlConnection(database);
        await connection.OpenAsync();
        var filter = agent is null ? "" : agent == Guid.Empty ? " AND agent_id IS NULL" : " AND agent_id = @agent";
        await using var cmd = new NpgsqlCommand(
            $"SELECT COALESCE(sum(count), 0)::bigint FROM analytics_events WHERE tenant_id = @tenant AND metric = @metric{filter}", connection);
        cmd.Parameters.AddWithValue("tenant", tenant);
        cmd.Parameters.AddWithValue("metric", metric);
        if (agent is { } a && a != Guid.Empty) cmd.Parameters.AddWithValue("agent", a);
        return (long)(await cmd.ExecuteScalarAsync())!;
    }

    public static async Task SetTierAsync(this HttpClient http, Guid tenant, string tier) =>
        await http.SendJsonAsync(HttpMethod.Put, $"/api/tenants/{tenant}/tier", await http.PlatformTokenAsync(), new { tier });

    public static async Task<JsonObject> GetJsonAsync(this HttpClient http, string path, string token) =>
        await http.SendJsonAsync(HttpMethod.Get, path, token);

    public static async Task<(HttpStatusCode Status, string Body)> GetRawAsync(this HttpClient http, string path, string token)
    {
        using var response = await http.SendAsync(TestApi.Authorized(HttpMethod.Get, path, token));
        return (response.StatusCode, await response.Content.ReadAsStringAsync());
    }

    public static Task<bool> FlushAsync(this ApiFactory api) =>
        api.Services.GetRequiredService<AnalyticsFlusher>().FlushAsync(CancellationToken.None);

    public static long[] Longs(this JsonNode? array) => [.. array!.AsArray().Select(n => n!.GetValue<long>())];
}
