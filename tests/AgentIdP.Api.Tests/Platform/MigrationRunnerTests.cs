using System.Text.Json.Nodes;
using AgentIdP.Api.Data;
using AgentIdP.TestSupport;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace AgentIdP.Api.Tests.Platform;

public sealed class MigrationRunnerTests
{
    // Each script fails if it runs twice (CREATE TABLE without IF NOT EXISTS) and leaves a row per application.
    private static readonly MigrationScript[] Scripts =
    [
        new(1, "001_create_log.sql", "CREATE TABLE applied_log (version int NOT NULL); INSERT INTO applied_log VALUES (1);"),
        new(2, "002_add_thing.sql", "CREATE TABLE thing (id int); SELECT pg_sleep(0.2); INSERT INTO applied_log VALUES (2);"),
        new(3, "003_add_other.sql", "CREATE TABLE other (id int); INSERT INTO applied_log VALUES (3);"),
    ];

    [Fact]
    public async Task Two_runners_starting_together_apply_each_script_exactly_once()
    {
        await using var db = await NewDatabaseAsync();

        var results = await Task.WhenAll(Runner(db, Scripts).MigrateAsync(default), Runner(db, Scripts).MigrateAsync(default));

        Assert.Equal([1, 2, 3], results.SelectMany(r => r).Order());
        Assert.Equal(new[] { 1, 2, 3 }, await IntsAsync(db, "SELECT version FROM applied_log ORDER BY version"));
        Assert.Equal(new[] { 1, 2, 3 }, await IntsAsync(db, "SELECT version FROM schema_migrations ORDER BY version"));
    }

    [Fact]
    public async Task Running_the_migrations_twice_applies_nothing_the_second_time()
    {
        await using var db = await NewDatabaseAsync();

        var first = await Runner(db, Scripts[..2]).MigrateAsync(default);
        var second = await Runner(db, Scripts).MigrateAsync(default);
        var third = await Runner(db, Scripts).MigrateAsync(default);

        Assert.Equal([1, 2], first);
        Assert.Equal([3], second);
        Assert.Empty(third);
        Assert.Equal(new[] { 1, 2, 3 }, await IntsAsync(db, "SELECT version FROM applied_log ORDER BY version"));
    }

    [Fact]
    public async Task The_product_migrations_apply_once_from_two_replicas()
    {
        await using var db = await NewDatabaseAsync();
        var scripts = MigrationScript.Embedded(typeof(MigrationRunner).Assembly);

        await Task.WhenAll(Runner(db, scripts).MigrateAsync(default), Runner(db, scripts).MigrateAsync(default));

        Assert.Equal(scripts.Select(s => s.Version), await IntsAsync(db, "SELECT version FROM schema_migrations ORDER BY version"));
        Assert.Empty(await Runner(db, scripts).MigrateAsync(default));
    }

    [Fact]
    public async Task Migration_030_moves_each_agents_profile_columns_into_one_profile_object()
    {
        await using var db = await NewDatabaseAsync();
        var scripts = MigrationScript.Embedded(typeof(MigrationRunner).Assembly);
        await Runner(db, [.. scripts.Where(s => s.Version < 30)]).MigrateAsync(default);
        // Two agents as 025 stored them: one with every profile column set, one with the columns' defaults.
        await using (var insert = db.CreateCommand("""
            INSERT INTO tenants (id, name) VALUES ('00000000-0000-4000-8000-000000000001', 'Old Tenant');
            INSERT INTO clients (client_id, tenant_id, kind, scopes) VALUES
                ('agt_full', '00000000-0000-4000-8000-000000000001', 'agent', ARRAY['a2a:invoke']),
                ('agt_bare', '00000000-0000-4000-8000-000000000001', 'agent', ARRAY['a2a:invoke']);
            INSERT INTO agents (id, tenant_id, client_id, name, version, provider, interfaces, skills, oasf_skills, oasf_domains,
                                default_input_modes, default_output_modes, capabilities, documentation_url)
            VALUES ('00000000-0000-4000-8000-0000000000f1', '00000000-0000-4000-8000-000000000001', 'agt_full', 'Full', '1.4.0',
                    '{"organization": "Acme", "url": "https://acme.example"}',
                    '[{"url": "https://agents.acme.example/a2a", "protocolBinding": "JSONRPC"}]',
                    '[{"id": "extract", "name": "Extract", "description": "Reads invoices.", "tags": ["invoices"]}]',
                    '[{"id": 502, "name": "analytical_skills/coding_skills"}]', '[{"id": 202, "name": "finance_and_business/finance"}]',
                    ARRAY['application/pdf', 'text/plain'], ARRAY['application/json'], '{"streaming": true}', 'https://docs.acme.example');
            INSERT INTO agents (id, tenant_id, client_id, name)
            VALUES ('00000000-0000-4000-8000-0000000000b1', '00000000-0000-4000-8000-000000000001', 'agt_bare', 'Bare');
            """))
        {
            await insert.ExecuteNonQueryAsync();
        }

        await Runner(db, scripts).MigrateAsync(default);

        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"version": "1.4.0", "provider": {"organization": "Acme", "url": "https://acme.example"},
             "interfaces": [{"url": "https://agents.acme.example/a2a", "protocolBinding": "JSONRPC"}],
             "skills": [{"id": "extract", "name": "Extract", "description": "Reads invoices.", "tags": ["invoices"]}],
             "oasfSkills": [{"id": 502, "name": "analytical_skills/coding_skills"}],
             "oasfDomains": [{"id": 202, "name": "finance_and_business/finance"}],
             "defaultInputModes": ["application/pdf", "text/plain"], "defaultOutputModes": ["application/json"],
             "capabilities": {"streaming": true}, "documentationUrl": "https://docs.acme.example"}
            """), await ProfileAsync(db, "agt_full")));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""
            {"interfaces": [], "skills": [], "oasfSkills": [], "oasfDomains": [],
             "defaultInputModes": ["text/plain"], "defaultOutputModes": ["text/plain"], "capabilities": {}}
            """), await ProfileAsync(db, "agt_bare")));
        Assert.Equal(new[] { 0 }, await IntsAsync(db, """
            SELECT count(*)::int FROM information_schema.columns
            WHERE table_name = 'agents' AND column_name IN ('version', 'provider', 'interfaces', 'skills', 'oasf_skills', 'oasf_domains',
                'default_input_modes', 'default_output_modes', 'capabilities', 'documentation_url')
            """));
    }

    [Fact]
    public async Task An_edited_applied_script_stops_startup_naming_the_script()
    {
        await using var db = await NewDatabaseAsync();
        await Runner(db, Scripts[..1]).MigrateAsync(default);

        var edited = new MigrationScript(1, "001_create_log.sql", Scripts[0].Sql + " -- changed");
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Runner(db, [edited]).MigrateAsync(default));

        Assert.Contains("001_create_log.sql changed after it was applied", error.Message);
    }

    [Fact]
    public async Task A_failing_script_leaves_no_trace_and_names_itself()
    {
        await using var db = await NewDatabaseAsync();
        MigrationScript[] scripts = [Scripts[0], new(2, "002_broken.sql", "CREATE TABLE half (id int); SELECT * FROM missing_table;")];

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => Runner(db, scripts).MigrateAsync(default));

        Assert.Contains("002_broken.sql failed", error.Message);
        Assert.Equal(new[] { 1 }, await IntsAsync(db, "SELECT version FROM schema_migrations"));
        Assert.Equal(new[] { 0 }, await IntsAsync(db, "SELECT count(*)::int FROM pg_tables WHERE tablename = 'half'"));
    }

    [Fact]
    public async Task A_missing_database_is_created_on_first_start()
    {
        var servers = await Servers.SharedAsync();
        var name = $"fresh_{Guid.NewGuid():N}";
        var cs = new NpgsqlConnectionStringBuilder(servers.PostgresAdminConnectionString) { Database = name }.ConnectionString;
        await using var db = NpgsqlDataSource.Create(cs);

        await Runner(db, Scripts[..1]).MigrateAsync(default);

        Assert.Equal(new[] { 1 }, await IntsAsync(db, "SELECT version FROM applied_log"));
    }

    private static MigrationRunner Runner(NpgsqlDataSource db, IReadOnlyList<MigrationScript> scripts) =>
        new(db, scripts, NullLogger<MigrationRunner>.Instance);

    private static async Task<NpgsqlDataSource> NewDatabaseAsync() =>
        NpgsqlDataSource.Create(await (await Servers.SharedAsync()).CreateDatabaseAsync("mig"));

    private static async Task<JsonNode?> ProfileAsync(NpgsqlDataSource db, string clientId)
    {
        await using var cmd = db.CreateCommand("SELECT profile::text FROM agents WHERE client_id = @clientId");
        cmd.Parameters.AddWithValue("clientId", clientId);
        return JsonNode.Parse((string)(await cmd.ExecuteScalarAsync())!);
    }

    private static async Task<int[]> IntsAsync(NpgsqlDataSource db, string sql)
    {
        await using var cmd = db.CreateCommand(sql);
        await using var reader = await cmd.ExecuteReaderAsync();
        var values = new List<int>();
        while (await reader.ReadAsync()) values.Add(reader.GetInt32(0));
        return [.. values];
    }
}
