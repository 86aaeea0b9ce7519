using AgentIdP.Api.Auth;
using System.Security.Cryptography;
using System.Text.Json;
using AgentIdP.Api.Audit;
using AgentIdP.Api.Dids;
using AgentIdP.Api.OAuth;
using AgentIdP.Api.Platform;
using AgentIdP.Api.Tiers;
using Dapper;
using Npgsql;

namespace AgentIdP.Api.Agents;

/// <summary>Agents and their OAuth clients in Postgres. Every query carries the tenant; every change appends an audit event in its transaction.</summary>
public sealed class AgentStore(NpgsqlDataSource db, ClientSecrets secrets, ClientStore clients, TokenWatermarks watermarks, DidWeb dids, TimeProvider clock)
{
    // Aliases name the Row properties: Dapper maps by name, without a global rule for snake_case.
    private const string Select = """
        SELECT a.id, a.tenant_id AS "TenantId", a.client_id AS "ClientId", a.name, a.description, a.status, c.scopes,
               COALESCE(jsonb_array_length(c.jwks -> 'keys'), 0) AS "KeyCount", a.created_at AS "CreatedAt", a.updated_at AS "UpdatedAt",
               a.profile::text AS profile
        FROM agents a JOIN clients c ON c.client_id = a.client_id
        """;
    public static string NewClientId(string prefix) => prefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(12));

    /// <summary>
    /// Registers the agent with <paramref name="profile"/> (as <see cref="IAgentProfileValidator.ForNewAgent"/> made it),
    /// unless the tenant's tier allows no more agents: then the limit comes back instead (when
    /// <paramref name="enforceAgentLimit"/> is off, shadow mode, the agent is created and the limit still comes back).
    /// </summary>
    public async Task<(CreatedAgent? Created, TierLimits? LimitReached)> CreateAsync(Guid tenantId, string actor, CreateAgentRequest request,
        IReadOnlyDictionary<string, JsonElement> profile, bool enforceAgentLimit, CancellationToken ct)
    {
        var id = Guid.CreateVersion7();
        var clientId = NewClientId("agt_");
        var secret = ClientSecrets.Generate();
        string[] scopes = request.Scopes is { Length: > 0 } s ? [.. s.Distinct()] : [Scopes.A2AInvoke];

        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        // The tenant row lock serializes concurrent creations, so the count below cannot be overtaken.
        var (tier, count) = await connection.QuerySingleAsync<(string, long)>(new CommandDefinition("""
            SELECT t.tier, (SELECT count(*) FROM agents a WHERE a.tenant_id = t.id) FROM tenants t WHERE t.id = @tenantId FOR UPDATE
            """, new { tenantId }, tx, cancellationToken: ct));
        var limits = TierConfig.For(TierConfig.TryParse(tier, out var t) ? t : Tier.Free);
        var overLimit = count >= limits.MaxAgents;
        if (overLimit && enforceAgentLimit) return (null, limits);
        await connection.ExecuteAsync(new CommandDefinition("""
            INSERT INTO clients (client_id, tenant_id, kind, scopes, jwks) VALUES (@clientId, @tenantId, 'agent', @scopes, @jwks::jsonb);
            INSERT INTO client_secrets (client_id, secret_hash) VALUES (@clientId, @hash);
            INSERT INTO agents (id, tenant_id, client_id, name, description, profile)
            VALUES (@id, @tenantId, @clientId, @name, @description, @profile::jsonb);
            """, new { id, tenantId, clientId, scopes, jwks = request.Jwks?.ToJsonString(), hash = secrets.Hash(secret),
                name = request.Name!.Trim(), description = request.Description ?? "", profile = JsonSerializer.Serialize(profile) }, tx, cancellationToken: ct));
        await AuditLog.AppendAsync(connection, tx, tenantId, actor, AuditActions.AgentCreated, id.ToString(),
            new { clientId, name = request.Name!.Trim(), scopes }, ct);
        await tx.CommitAsync(ct);
        return (new CreatedAgent((await GetAsync(tenantId, id, ct))!, secret), overLimit ? limits : null);
    }

    public async Task<Page<Agent>> ListAsync(Guid tenantId, int page, int size, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM agents WHERE tenant_id = @tenantId", new { tenantId }, cancellationToken: ct));
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            Select + " WHERE a.tenant_id = @tenantId ORDER BY a.created_at DESC, a.id LIMIT @size OFFSET @offset",
            new { tenantId, size, offset = (long)(page - 1) * size }, cancellationToken: ct));
        return new Page<Agent>([.. rows.Select(ToAgent)], page, size, total);
    }

    public async Task<Agent?> GetAsync(Guid tenantId, Guid id, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var row = await connection.QuerySingleOrDefaultAsync<Row>(new CommandDefinition(
            Select + " WHERE a.tenant_id = @tenantId AND a.id = @id", new { tenantId, id }, cancellationToken: ct));
        return row is null ? null : ToAgent(row);
    }

    /// <summary>
    /// Applies the request; each field of <paramref name="profileChanges"/> (as <see cref="IAgentProfileValidator.Changes"/>
    /// made them) replaces the stored field of that name, the others stay.
    /// </summary>
    public async Task<Agent?> UpdateAsync(Guid tenantId, string actor, Guid id, UpdateAgentRequest request,
        IReadOnlyDictionary<string, JsonElement> profileChanges, CancellationToken ct)
    {
        return await ChangeAsync(tenantId, actor, id, AuditActions.AgentUpdated, async (connection, tx, clientId) =>
        {
            await connection.ExecuteAsync(new CommandDefinition("""
                UPDATE agents SET name = COALESCE(@name, name), description = COALESCE(@description, description),
                    profile = profile || @profileChanges::jsonb, updated_at = now()
                WHERE tenant_id = @tenantId AND id = @id;
                UPDATE clients SET scopes = COALESCE(@scopes, scopes), jwks = COALESCE(@jwks::jsonb, jwks)
                WHERE tenant_id = @tenantId AND client_id = @clientId;
                """, new { tenantId, id, clientId, name = request.Name?.Trim(), request.Description,
                    scopes = request.Scopes is { Length: > 0 } s ? s.Distinct().ToArray() : null, jwks = request.Jwks?.ToJsonString(),
                    profileChanges = JsonSerializer.Serialize(profileChanges) },
                tx, cancellationToken: ct));
            return new { request.Name, request.Description, request.Scopes, keysChanged = request.Jwks is not null,
                profileChanged = profileChanges.Keys.ToArray() };
        }, ct);
    }

    /// <summary>Enables or disables the agent; disabling also ends every token it holds (<see cref="TokenWatermarks"/>).</summary>
    public async Task<Agent?> SetStatusAsync(Guid tenantId, string actor, Guid id, AgentStatus status, CancellationToken ct)
    {
        WatermarkChanged? ended = null;
        var agent = await ChangeAsync(tenantId, actor, id, status == AgentStatus.Active ? AuditActions.AgentEnabled : AuditActions.AgentDisabled,
            async (connection, tx, clientId) =>
            {
                await connection.ExecuteAsync(new CommandDefinition(
                    "UPDATE agents SET status = @status, updated_at = now() WHERE tenant_id = @tenantId AND id = @id",
                    new { tenantId, id, status = status.Name() }, tx, cancellationToken: ct));
                if (status == AgentStatus.Active) return new { status = status.Name(), tokensIssuedBefore = (DateTimeOffset?)null };
                var now = clock.GetUtcNow();
                ended = await watermarks.RaiseAsync(connection, tx, TokenWatermarks.ClientKind, clientId, now, ct: ct);
                return new { status = status.Name(), tokensIssuedBefore = (DateTimeOffset?)now };
            }, ct);
        if (ended is not null) watermarks.Announce(ended);
        return agent;
    }

    public async Task<bool> DeleteAsync(Guid tenantId, string actor, Guid id, CancellationToken ct)
    {
        var existing = await GetAsync(tenantId, id, ct);
        if (existing is null) return false;
        await using var connection = await db.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        var deleted = await connection.ExecuteAsync(new CommandDefinition(
            "DELETE FROM clients WHERE tenant_id = @tenantId AND client_id = @clientId", new { tenantId, clientId = existing.ClientId }, tx, cancellationToken: ct));
        if (deleted == 0) return false;
        var now = clock.GetUtcNow();
        var ended = await watermarks.RaiseAsync(connection, tx, TokenWatermarks.ClientKind, existing.ClientId, now, ct: ct);
        await AuditLog.AppendAsync(connection, tx, tenantId, actor, AuditActions.AgentDeleted, id.ToString(),
            new { existing.ClientId, existing.Name, tokensIssuedBefore = now }, ct);
        await tx.CommitAsync(ct);
        clients.Changed(existing.ClientId);
        watermarks.Announce(ended);
        return true;
    }

    public async Task<RotatedSecret?> RotateSecretAsync(Guid tenantId, string actor, Guid id, SecretRotation rotation, CancellationToken ct)
    {
        var secret = ClientSecrets.Generate();
        var now = clock.GetUtcNow();
        WatermarkChanged? ended = null;
        var agent = await ChangeAsync(tenantId, actor, id, AuditActions.CredentialRotated, async (connection, tx, clientId) =>
        {
            ended = await RotateClientSecretAsync(connection, tx, watermarks, clientId, secrets.Hash(secret), rotation, now, ct);
            return RotationAudit(rotation, now);
        }, ct);
        if (ended is not null) watermarks.Announce(ended);
        return agent is null ? null : new RotatedSecret(agent.ClientId, secret, now + rotation.Grace, rotation.RevokeTokens);
    }

    /// <summary>What a rotation's audit event records.</summary>
    public static object RotationAudit(SecretRotation rotation, DateTimeOffset now) => new
    {
        gracePeriodSeconds = (long)rotation.Grace.TotalSeconds,
        rotation.RevokeTokens,
        tokensIssuedBefore = now,
        tokensEndAt = now + rotation.Grace,
    };

    /// <summary>
    /// Shortens every working secret of the client to the end of the grace period and adds the new one. Tokens issued
    /// before now end with the old secret: at once when the rotation revokes them (or has no grace), else when the grace
    /// period ends. Call <see cref="TokenWatermarks.Announce"/> with the result after the commit.
    /// </summary>
    public static async Task<WatermarkChanged> RotateClientSecretAsync(NpgsqlConnection connection, NpgsqlTransaction tx, TokenWatermarks watermarks,
        string clientId, byte[] newHash, SecretRotation rotation, DateTimeOffset now, CancellationToken ct)
    {
        var previousExpiresAt = now + rotation.Grace;
        await connection.ExecuteAsync(new CommandDefinition("""
            UPDATE client_secrets SET expires_at = LEAST(COALESCE(expires_at, @previousExpiresAt), @previousExpiresAt)
            WHERE client_id = @clientId;
            DELETE FROM client_secrets WHERE client_id = @clientId AND expires_at <= now();
            INSERT INTO client_secrets (client_id, secret_hash) VALUES (@clientId, @newHash);
            """, new { clientId, newHash, previousExpiresAt }, tx, cancellationToken: ct));
        return await watermarks.RaiseAsync(connection, tx, TokenWatermarks.ClientKind, clientId, now, from: previousExpiresAt, ct: ct);
    }

    /// <summary>
    /// Locks the tenant's agent, applies <paramref name="change"/>, appends the audit event and commits, then tells
    /// every replica to forget the cached client. Null when the agent is not in this tenant.
    /// </summary>
    private async Task<Agent?> ChangeAsync(Guid tenantId, string actor, Guid id, string action,
        Func<NpgsqlConnection, NpgsqlTransaction, string, Task<object>> change, CancellationToken ct)
    {
        await using (var connection = await db.OpenConnectionAsync(ct))
        await using (var tx = await connection.BeginTransactionAsync(ct))
        {
            var clientId = await connection.ExecuteScalarAsync<string?>(new CommandDefinition(
                "SELECT client_id FROM agents WHERE tenant_id = @tenantId AND id = @id FOR UPDATE", new { tenantId, id }, tx, cancellationToken: ct));
            if (clientId is null) return null;
            var data = await change(connection, tx, clientId);
            await AuditLog.AppendAsync(connection, tx, tenantId, actor, action, id.ToString(), data, ct);
            await tx.CommitAsync(ct);
            clients.Changed(clientId);
        }
        return await GetAsync(tenantId, id, ct);
    }

    /// <summary>Every agent of the tenant, oldest first (for the compliance report, which covers them all).</summary>
    public async Task<IReadOnlyList<Agent>> ListAllAsync(Guid tenantId, CancellationToken ct)
    {
        await using var connection = await db.OpenConnectionAsync(ct);
        var rows = await connection.QueryAsync<Row>(new CommandDefinition(
            Select + " WHERE a.tenant_id = @tenantId ORDER BY a.created_at, a.id", new { tenantId }, cancellationToken: ct));
        return [.. rows.Select(ToAgent)];
    }

    private Agent ToAgent(Row r) => new(r.Id, r.TenantId, r.ClientId, r.Name, r.Description, AgentStatuses.Parse(r.Status), r.Scopes,
        dids.Did(r.TenantId, r.Id), dids.DocumentUrl(r.TenantId, r.Id), r.KeyCount,
        new DateTimeOffset(r.CreatedAt, TimeSpan.Zero), new DateTimeOffset(r.UpdatedAt, TimeSpan.Zero))
    {
        Profile = JsonSerializer.Deserialize<Dictionary<string, JsonElement>>(r.Profile)!,
    };

    // Properties, not a positional record: Npgsql reports text[] as System.Array, which Dapper's constructor matching refuses.
    private sealed class Row
    {
        public Guid Id { get; init; }
        public Guid TenantId { get; init; }
        public string ClientId { get; init; } = "";
        public string Name { get; init; } = "";
        public string Description { get; init; } = "";
        public string Status { get; init; } = "";
        public string[] Scopes { get; init; } = [];
        public int KeyCount { get; init; }
        public DateTime CreatedAt { get; init; }
        public DateTime UpdatedAt { get; init; }
        public string Profile { get; init; } = "{}";
    }
}
