using System.Net;
using System.Text.Json.Nodes;
using AgentIdP.Api.OAuth;
using AgentIdP.Api.Platform;
using AgentIdP.Api.Tests.Compliance;
using AgentIdP.TestSupport;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Npgsql;

namespace AgentIdP.Api.Tests.Identity;

/// <summary>Every credential has an end: what ends an agent's or a tenant's tokens, and what does not.</summary>
public sealed class CredentialLifecycleTests
{
    // 400 ms into a second: token times are whole seconds, so the same-second cases are exercised on purpose.
    private static readonly DateTimeOffset Start = new(2026, 11, 2, 9, 0, 0, 400, TimeSpan.Zero);

    [Fact]
    public async Task Disabling_an_agent_ends_its_tokens_and_a_token_issued_after_re_enabling_in_the_same_second_works()
    {
        var clock = new FakeTimeProvider(Start);
        await using var api = (await ApiFactory.CreateAsync()).WithClock(clock);
        using var http = api.CreateClient();
        var (tenant, admin, agent) = await TenantWithAgentAsync(http);
        var before = await http.TokenAsync(agent.ClientId, agent.ClientSecret);
        Assert.Equal(HttpStatusCode.Forbidden, await http.CallAsync("/api/agents", before)); // alive: authenticated, not an admin

        await http.SendJsonAsync(HttpMethod.Post, $"/api/agents/{agent.AgentId}/disable", admin);
        Assert.False(await http.IsActiveAsync(tenant, before));
        Assert.Equal(HttpStatusCode.Unauthorized, await http.CallAsync("/api/agents", before));
        using (var refused = await http.RequestTokenAsync(agent.ClientId, agent.ClientSecret))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        }

        clock.Advance(TimeSpan.FromMilliseconds(100)); // still the same second
        await http.SendJsonAsync(HttpMethod.Post, $"/api/agents/{agent.AgentId}/enable", admin);
        var after = await http.TokenAsync(agent.ClientId, agent.ClientSecret);

        Assert.True(await http.IsActiveAsync(tenant, after));
        Assert.False(await http.IsActiveAsync(tenant, before));
    }

    [Fact]
    public async Task Deleting_an_agent_ends_its_tokens()
    {
        await using var api = await ApiFactory.CreateAsync();
        using var http = api.CreateClient();
        var (tenant, admin, agent) = await TenantWithAgentAsync(http);
        var token = await http.TokenAsync(agent.ClientId, agent.ClientSecret);
        Assert.True(await http.IsActiveAsync(tenant, token));

        using var deleted = await http.SendAsync(TestApi.Authorized(HttpMethod.Delete, $"/api/agents/{agent.AgentId}", admin));

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        Assert.False(await http.IsActiveAsync(tenant, token));
        Assert.Equal(HttpStatusCode.Unauthorized, await http.CallAsync("/api/agents", token));
    }

    [Fact]
    public async Task Rotating_with_revocation_ends_the_old_tokens_and_the_old_secret_at_once_and_the_new_secret_works()
    {
        var clock = new FakeTimeProvider(Start);
        await using var api = (await ApiFactory.CreateAsync()).WithClock(clock);
        using var http = api.CreateClient();
        var (tenant, admin, agent) = await TenantWithAgentAsync(http);
        var before = await http.TokenAsync(agent.ClientId, agent.ClientSecret);

        var rotated = await http.SendJsonAsync(HttpMethod.Post, $"/api/agents/{agent.AgentId}/credentials/rotate", admin, new { revokeTokens = true });
        var newSecret = rotated["clientSecret"]!.GetValue<string>();
        var after = await http.TokenAsync(agent.ClientId, newSecret);

        Assert.True(rotated["tokensRevoked"]!.GetValue<bool>());
        Assert.False(await http.IsActiveAsync(tenant, before));
        Assert.True(await http.IsActiveAsync(tenant, after));
        using var oldSecret = await http.RequestTokenAsync(agent.ClientId, agent.ClientSecret);
        Assert.Equal(HttpStatusCode.Unauthorized, oldSecret.StatusCode);
    }

    [Fact]
    public async Task Revocation_with_a_grace_period_is_refused_because_the_old_secret_could_mint_new_tokens()
    {
        await using var api = await ApiFactory.CreateAsync();
        using var http = api.CreateClient();
        var (_, admin, agent) = await TenantWithAgentAsync(http);

        using var response = await http.SendAsync(TestApi.Authorized(HttpMethod.Post, $"/api/agents/{agent.AgentId}/credentials/rotate", admin,
            new { revokeTokens = true, gracePeriodSeconds = 600 }));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("gracePeriodSeconds", await response.Content.ReadAsStringAsync());
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task Without_revocation_tokens_issued_before_a_rotation_end_when_its_grace_period_does()
    {
        var clock = new FakeTimeProvider(Start);
        await using var api = (await ApiFactory.CreateAsync()).WithClock(clock);
        using var http = api.CreateClient();
        var (tenant, admin, agent) = await TenantWithAgentAsync(http);
        var before = await http.TokenAsync(agent.ClientId, agent.ClientSecret);

        var rotated = await http.SendJsonAsync(HttpMethod.Post, $"/api/agents/{agent.AgentId}/credentials/rotate", admin, new { gracePeriodSeconds = 120 });
        var withNewSecret = await http.TokenAsync(agent.ClientId, rotated["clientSecret"]!.GetValue<string>());
        Assert.True(await http.IsActiveAsync(tenant, before));

        clock.Advance(TimeSpan.FromSeconds(121));

        Assert.False(await http.IsActiveAsync(tenant, before));
        Assert.True(await http.IsActiveAsync(tenant, withNewSecret));
    }

    [Fact]
    public async Task Rotating_the_admin_secret_with_revocation_ends_the_admins_tokens_but_not_its_agents()
    {
        await using var api = await ApiFactory.CreateAsync();
        using var http = api.CreateClient();
        var (tenant, admin, agent) = await TenantWithAgentAsync(http);
        var agentToken = await http.TokenAsync(agent.ClientId, agent.ClientSecret);

        var rotated = await http.SendJsonAsync(HttpMethod.Post, "/api/tenant/credentials/rotate", admin, new { revokeTokens = true });
        var fresh = tenant with { ClientSecret = rotated["clientSecret"]!.GetValue<string>() };

        Assert.Equal(HttpStatusCode.Unauthorized, await http.CallAsync("/api/tenant", admin));
        Assert.Equal(HttpStatusCode.OK, await http.CallAsync("/api/tenant", await http.AdminTokenAsync(fresh)));
        Assert.True(await http.IsActiveAsync(fresh, agentToken));
    }

    [Fact]
    public async Task A_suspended_tenant_loses_its_tokens_clients_and_public_documents_keeps_its_data_and_gets_them_back_on_resume()
    {
        await using var api = await ApiFactory.CreateAsync();
        using var http = api.CreateClient();
        var tenant = await http.CreateTenantAsync();
        var admin = await http.AdminTokenAsync(tenant);
        var agent = await http.CreateAgentAsync(admin, Documents.CompliantAgent());
        var agentToken = await http.TokenAsync(agent.ClientId, agent.ClientSecret);
        var platform = await http.PlatformTokenAsync();
        var card = Documents.CardPath(tenant.TenantId, agent.AgentId);
        var did = $"/tenants/{tenant.TenantId}/agents/{agent.AgentId}/did.json";
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(card)).StatusCode);

        var suspended = await http.SendJsonAsync(HttpMethod.Post, $"/api/tenants/{tenant.TenantId}/suspend", platform, new { reason = "unpaid invoices" });

        Assert.NotNull(suspended["suspendedAt"]);
        Assert.Equal(HttpStatusCode.Unauthorized, await http.CallAsync("/api/tenant", admin));
        Assert.Equal(HttpStatusCode.Unauthorized, await http.CallAsync("/api/agents", agentToken));
        using (var refused = await http.RequestTokenAsync(tenant.ClientId, tenant.ClientSecret))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
            Assert.Equal("invalid_client", JsonNode.Parse(await refused.Content.ReadAsStringAsync())!["error"]!.GetValue<string>());
        }
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(card)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(Documents.RecordPath(tenant.TenantId, agent.AgentId))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await http.GetAsync(did)).StatusCode);
        var kept = await http.SendJsonAsync(HttpMethod.Get, $"/api/tenants/{tenant.TenantId}", platform);
        Assert.Equal(tenant.TenantId.ToString(), kept["id"]!.GetValue<string>());

        await http.SendJsonAsync(HttpMethod.Post, $"/api/tenants/{tenant.TenantId}/resume", platform);
        var again = await http.AdminTokenAsync(tenant);

        Assert.Equal(HttpStatusCode.OK, await http.CallAsync("/api/tenant", again));
        Assert.Equal(HttpStatusCode.Unauthorized, await http.CallAsync("/api/tenant", admin)); // ended tokens stay ended
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(card)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await http.GetAsync(did)).StatusCode);
        var audit = await http.SendJsonAsync(HttpMethod.Get, "/api/audit?pageSize=100", again);
        var actions = audit["items"]!.AsArray().Select(e => e!["action"]!.GetValue<string>()).ToList();
        Assert.Contains("tenant.suspended", actions);
        Assert.Contains("tenant.resumed", actions);
    }

    [Fact]
    public async Task Only_a_suspended_tenant_can_be_deleted_and_deleting_it_ends_its_tokens_and_its_data()
    {
        await using var api = await ApiFactory.CreateAsync();
        using var http = api.CreateClient();
        var (tenant, admin, agent) = await TenantWithAgentAsync(http);
        var agentToken = await http.TokenAsync(agent.ClientId, agent.ClientSecret);
        var platform = await http.PlatformTokenAsync();

        using (var notSuspended = await http.SendAsync(TestApi.Authorized(HttpMethod.Delete, $"/api/tenants/{tenant.TenantId}", platform)))
        {
            Assert.Equal(HttpStatusCode.Conflict, notSuspended.StatusCode);
        }
        await http.SendJsonAsync(HttpMethod.Post, $"/api/tenants/{tenant.TenantId}/suspend", platform);
        using var deleted = await http.SendAsync(TestApi.Authorized(HttpMethod.Delete, $"/api/tenants/{tenant.TenantId}", platform));

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using var gone = await http.SendAsync(TestApi.Authorized(HttpMethod.Get, $"/api/tenants/{tenant.TenantId}", platform));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, await http.CallAsync("/api/agents", admin));
        Assert.Equal(HttpStatusCode.Unauthorized, await http.CallAsync("/api/agents", agentToken));
        // Their client records were cached when they got those tokens; the deleted tenant's clients still get nothing.
        using (var admin401 = await http.RequestTokenAsync(tenant.ClientId, tenant.ClientSecret))
        using (var agent401 = await http.RequestTokenAsync(agent.ClientId, agent.ClientSecret))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, admin401.StatusCode);
            Assert.Equal(HttpStatusCode.Unauthorized, agent401.StatusCode);
        }
        await using var db = NpgsqlDataSource.Create(api.DatabaseConnectionString);
        await using var cmd = db.CreateCommand("SELECT (SELECT count(*) FROM agents WHERE tenant_id = @t) + (SELECT count(*) FROM clients WHERE tenant_id = @t)");
        cmd.Parameters.AddWithValue("t", tenant.TenantId);
        Assert.Equal(0L, (long)(await cmd.ExecuteScalarAsync())!);
    }

    [Fact]
    public async Task A_revoked_token_stays_refused_through_the_clock_skew_after_its_expiry()
    {
        var clock = new FakeTimeProvider(Start);
        await using var api = (await ApiFactory.CreateAsync()).WithClock(clock);
        using var http = api.CreateClient();
        var (tenant, _, agent) = await TenantWithAgentAsync(http);
        var token = await http.TokenAsync(agent.ClientId, agent.ClientSecret);
        var exp = DateTimeOffset.FromUnixTimeSeconds(JsonNode.Parse(Base64Url.Decode(token.Split('.')[1]))!["exp"]!.GetValue<long>());
        using var revoke = await http.PostAsync("/oauth2/revoke", TokenEndpointTests.Form(("token", token),
            ("client_id", agent.ClientId), ("client_secret", agent.ClientSecret)));
        Assert.Equal(HttpStatusCode.OK, revoke.StatusCode);

        // Past exp but inside the skew validation allows; the replica's poll (which forgets old revocations) has run.
        clock.SetUtcNow(exp + TokenValidator.ClockSkew / 2);
        var list = api.Services.GetRequiredService<RevocationList>();
        await list.LoadAsync(CancellationToken.None);

        Assert.True(list.IsRevoked(new Microsoft.IdentityModel.JsonWebTokens.JsonWebToken(token).Id));
        Assert.False(await http.IsActiveAsync(tenant, token));
    }

    [Fact]
    public async Task Housekeeping_prunes_only_what_no_token_can_need_and_one_replica_at_a_time()
    {
        var clock = new FakeTimeProvider(Start);
        await using var api = (await ApiFactory.CreateAsync()).WithClock(clock);
        _ = api.CreateClient();
        await using var db = NpgsqlDataSource.Create(api.DatabaseConnectionString);
        var old = Start - TokenValidator.ClockSkew - TimeSpan.FromMinutes(1);
        var recent = Start - TokenValidator.ClockSkew / 2;
        await using (var seed = db.CreateCommand("""
            INSERT INTO revoked_tokens (jti, expires_at) SELECT 'old-' || g, @old FROM generate_series(1, 12000) g;
            INSERT INTO revoked_tokens (jti, expires_at) VALUES ('recent', @recent);
            INSERT INTO used_client_assertions (jti, client_id, expires_at) VALUES ('a-old', 'c', @old), ('a-recent', 'c', @recent);
            INSERT INTO token_watermarks (kind, id, not_before, keep_until, changed_at) VALUES
                ('client', 'gone', @old, @old, @old), ('client', 'kept', @old, @recent + interval '1 hour', @old);
            INSERT INTO token_watermarks (kind, id, not_before, suspended, keep_until, changed_at) VALUES
                ('tenant', @suspended, @old, true, @old, @old), ('tenant', '00000000-0000-0000-0000-000000000002', @old, true, @old, @old);
            INSERT INTO tenants (id, name) VALUES (@suspended::uuid, 'Suspended');
            """))
        {
            seed.Parameters.AddWithValue("old", old);
            seed.Parameters.AddWithValue("recent", recent);
            seed.Parameters.AddWithValue("suspended", "00000000-0000-0000-0000-000000000001");
            await seed.ExecuteNonQueryAsync();
        }
        var housekeeping = api.Services.GetRequiredService<TokenStateHousekeeping>();

        // Another replica holds the lock: this one leaves the work to it.
        await using (var other = await db.OpenConnectionAsync())
        {
            await using var hold = new NpgsqlCommand("SELECT pg_advisory_lock(x'41496450546F6B73'::bigint)", other);
            await hold.ExecuteNonQueryAsync();
            Assert.Null(await housekeeping.RunOnceAsync(CancellationToken.None));
            // A pooled connection keeps its session's advisory locks: let go before it goes back to the pool.
            await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock(x'41496450546F6B73'::bigint)", other);
            await release.ExecuteNonQueryAsync();
        }
        var pruned = await housekeeping.RunOnceAsync(CancellationToken.None);

        Assert.Equal(12_003, pruned); // ...and the deleted tenant's suspension, which no client can need any more
        await using var left = db.CreateCommand("""
            SELECT string_agg(jti, ',' ORDER BY jti) FROM revoked_tokens
            UNION ALL SELECT string_agg(jti, ',' ORDER BY jti) FROM used_client_assertions
            UNION ALL SELECT string_agg(id, ',' ORDER BY id) FROM token_watermarks
            """);
        await using var reader = await left.ExecuteReaderAsync();
        var remaining = new List<string>();
        while (await reader.ReadAsync()) remaining.Add(reader.GetString(0));
        Assert.Equal(["recent", "a-recent", "00000000-0000-0000-0000-000000000001,kept"], remaining);
    }

    private static async Task<(TestApi.TenantCredentials Tenant, string Admin, TestApi.AgentCredentials Agent)> TenantWithAgentAsync(HttpClient http)
    {
        var tenant = await http.CreateTenantAsync();
        var admin = await http.AdminTokenAsync(tenant);
        return (tenant, admin, await http.CreateAgentAsync(admin));
    }
}
