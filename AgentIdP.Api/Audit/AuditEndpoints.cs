using AgentIdP.Api.Auth;
using AgentIdP.Api.Platform;
using Dapper;
using Npgsql;

namespace AgentIdP.Api.Audit;

public static class AuditEndpoints
{
    public static WebApplication MapAudit(this WebApplication app)
    {
        var group = app.MapGroup("/api/audit").WithTags("Audit").RequireTenantAdmin();
        group.MapGet("", List).WithSummary("The tenant's audit events, newest first");
        group.MapGet("/verify", Verify).WithSummary("Walk the tenant's hash chain and name the first broken event");

        var platform = app.MapGroup("/api/platform/audit").WithTags("Audit (platform operator)").RequirePlatformAdmin();
        platform.MapGet("", ListPlatform).WithSummary("The platform's own audit events (signing keys), newest first");
        platform.MapGet("/verify", VerifyPlatform).WithSummary("Walk the platform's hash chain and name the first broken event");
        return app;
    }

    public sealed record AuditEventDto(long Seq, Guid Id, DateTimeOffset OccurredAt, string Actor, string Action, string Target,
        System.Text.Json.JsonElement Data, string Hash);

    private static async Task<Results<Ok<Page<AuditEventDto>>, ProblemHttpResult>> List(
        System.Security.Claims.ClaimsPrincipal user, NpgsqlDataSource db, int? page, int? pageSize, CancellationToken ct)
    {
        if (Paging.Validate(page, pageSize) is { } problem) return problem;
        var (p, size) = Paging.Resolve(page, pageSize);
        await using var connection = await db.OpenConnectionAsync(ct);
        var tenant = user.TenantId();
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition(
            "SELECT count(*) FROM audit_events WHERE tenant_id = @tenant", new { tenant }, cancellationToken: ct));
        var rows = await connection.QueryAsync<(long Seq, Guid Id, DateTime OccurredAt, string Actor, string Action, string Target, string Data, byte[] Hash)>(
            new CommandDefinition("""
                SELECT seq, id, occurred_at, actor, action, target, data::text, hash FROM audit_events
                WHERE tenant_id = @tenant ORDER BY seq DESC LIMIT @size OFFSET @offset
                """, new { tenant, size, offset = (p - 1) * size }, cancellationToken: ct));
        var items = rows.Select(ToDto).ToList();
        return TypedResults.Ok(new Page<AuditEventDto>(items, p, size, total));
    }

    private static async Task<Results<Ok<Page<AuditEventDto>>, ProblemHttpResult>> ListPlatform(
        NpgsqlDataSource db, int? page, int? pageSize, CancellationToken ct)
    {
        if (Paging.Validate(page, pageSize) is { } problem) return problem;
        var (p, size) = Paging.Resolve(page, pageSize);
        await using var connection = await db.OpenConnectionAsync(ct);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT count(*) FROM platform_audit_events", cancellationToken: ct));
        var rows = await connection.QueryAsync<(long Seq, Guid Id, DateTime OccurredAt, string Actor, string Action, string Target, string Data, byte[] Hash)>(
            new CommandDefinition("""
                SELECT seq, id, occurred_at, actor, action, target, data::text, hash FROM platform_audit_events
                ORDER BY seq DESC LIMIT @size OFFSET @offset
                """, new { size, offset = (p - 1) * size }, cancellationToken: ct));
        return TypedResults.Ok(new Page<AuditEventDto>([.. rows.Select(ToDto)], p, size, total));
    }

    private static AuditEventDto ToDto((long Seq, Guid Id, DateTime OccurredAt, string Actor, string Action, string Target, string Data, byte[] Hash) r) =>
        new(r.Seq, r.Id, new DateTimeOffset(r.OccurredAt, TimeSpan.Zero), r.Actor, r.Action, r.Target,
            System.Text.Json.JsonDocument.Parse(r.Data).RootElement, Convert.ToHexStringLower(r.Hash));

    private static async Task<Ok<ChainVerification>> Verify(System.Security.Claims.ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken ct) =>
        TypedResults.Ok(await AuditChain.VerifyAsync(db, user.TenantId(), ct));

    private static async Task<Ok<ChainVerification>> VerifyPlatform(NpgsqlDataSource db, CancellationToken ct) =>
        TypedResults.Ok(await AuditChain.VerifyPlatformAsync(db, ct));
}
