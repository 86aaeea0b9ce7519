using System.Security.Claims;
using AgentIdP.Api.Agents;
using AgentIdP.Api.Auth;
using AgentIdP.Api.Platform;
using AgentIdP.Api.Tiers;
using Dapper;
using Microsoft.Extensions.Options;
using Npgsql;

namespace AgentIdP.Api.Tenants;

/// <param name="SuspendedAt">When the platform operator suspended the tenant; null while it is in service.</param>
public sealed record Tenant(Guid Id, string Name, string Tier, DateTimeOffset CreatedAt, DateTimeOffset? SuspendedAt = null);

public sealed record SuspendTenantRequest(string? Reason);

public sealed record CreateTenantRequest(string? Name, string? Tier);

public sealed record SetTierRequest(string? Tier, string? Reason);

public sealed record CreatedTenant(Tenant Tenant, string AdminClientId, string AdminClientSecret);

/// <summary>Tenants: the platform operator creates and lists them; a tenant admin reads its own and rotates its credential.</summary>
public static class TenantEndpoints
{
    public static WebApplicationBuilder AddTenants(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<TenantStore>();
        return builder;
    }

    public static WebApplication MapTenants(this WebApplication app)
    {
        var platform = app.MapGroup("/api/tenants").WithTags("Tenants (platform operator)").RequirePlatformAdmin();
        platform.MapPost("", Create).WithSummary("Create a tenant and its admin client; the secret is shown this once");
        platform.MapGet("", List).WithSummary("All tenants, newest first");
        platform.MapGet("/{id:guid}", Get).WithSummary("One tenant");
        platform.MapPut("/{id:guid}/tier", SetTier).WithSummary("Set a tenant's tier, upgrades and downgrades alike (support action); a Stripe subscription follows it");
        platform.MapPost("/{id:guid}/suspend", (Guid id, SuspendTenantRequest? request, ClaimsPrincipal user, TenantStore tenants, CancellationToken ct) =>
                SetSuspended(id, true, request, user, tenants, ct))
            .WithSummary("Suspend a tenant: its tokens end, its clients are refused, its agents' documents answer 404; its data stays");
        platform.MapPost("/{id:guid}/resume", (Guid id, SuspendTenantRequest? request, ClaimsPrincipal user, TenantStore tenants, CancellationToken ct) =>
                SetSuspended(id, false, request, user, tenants, ct))
            .WithSummary("Resume a suspended tenant; tokens ended by the suspension stay ended");
        platform.MapDelete("/{id:guid}", Delete).WithSummary("Delete a suspended tenant and everything it owns");

        var own = app.MapGroup("/api/tenant").WithTags("Tenant").RequireTenantAdmin();
        // Portal sign-in reads it: allowed over the daily quota, so an admin can sign in and upgrade.
        own.MapGet("", (ClaimsPrincipal user, NpgsqlDataSource db, CancellationToken ct) => Get(user.TenantId(), db, ct))
            .AllowOverDailyQuota().WithSummary("The caller's tenant");
        own.MapPost("/credentials/rotate", RotateAdminSecret)
            .WithSummary("Issue a new tenant-admin secret; the old one keeps working for the grace period");
        return app;
    }

    private static async Task<Results<Created<CreatedTenant>, ProblemHttpResult>> Create(
        CreateTenantRequest request, ClaimsPrincipal user, TenantStore tenants, CancellationToken ct)
    {
        if (AgentValidation.Name(request.Name) is { } error) return Problems.BadRequest(error);
        var tier = Tier.Free;
        if (request.Tier is not null && !TierConfig.TryParse(request.Tier, out tier)) return Problems.BadRequest("tier must be free, pro or enterprise.");
        var created = await tenants.CreateAsync(request.Name!.Trim(), tier, user.Actor(), id: null, adminClientId: null, adminSecret: null, ct);
        return TypedResults.Created($"/api/tenants/{created.Tenant.Id}", created);
    }

    private static async Task<Results<Ok<Page<Tenant>>, ProblemHttpResult>> List(NpgsqlDataSource db, int? page, int? pageSize, CancellationToken ct)
    {
        if (Paging.Validate(page, pageSize) is { } problem) return problem;
        var (p, size) = Paging.Resolve(page, pageSize);
        await using var connection = await db.OpenConnectionAsync(ct);
        var total = await connection.ExecuteScalarAsync<long>(new CommandDefinition("SELECT count(*) FROM tenants", cancellationToken: ct));
        var rows = await connection.QueryAsync<TenantStore.Row>(new CommandDefinition(
            TenantStore.Select + " ORDER BY created_at DESC, id LIMIT @size OFFSET @offset",
            new { size, offset = (long)(p - 1) * size }, cancellationToken: ct));
        return TypedResults.Ok(new Page<Tenant>([.. rows.Select(r => r.ToTenant())], p, size, total));
    }

    private static async Task<Results<Ok<Tenant>, ProblemHttpResult>> Get(Guid id, NpgsqlDataSource db, CancellationToken ct) =>
        await TenantStore.FindAsync(db, id, ct) is { } tenant ? TypedResults.Ok(tenant) : Problems.NotFound("tenant");

    private static async Task<Results<Ok<Tenant>, ProblemHttpResult>> SetTier(
        Guid id, SetTierRequest request, ClaimsPrincipal user, IOperatorTierChange change, CancellationToken ct)
    {
        if (!TierConfig.TryParse(request.Tier, out var tier)) return Problems.BadRequest("tier must be free, pro or enterprise.");
        return await change.ChangeAsync(id, tier, user.Actor(), request.Reason, ct);
    }

    private static async Task<Results<Ok<Tenant>, ProblemHttpResult>> SetSuspended(
        Guid id, bool suspend, SuspendTenantRequest? request, ClaimsPrincipal user, TenantStore tenants, CancellationToken ct)
    {
        if (request?.Reason is { Length: > 500 }) return Problems.BadRequest("reason must be at most 500 characters.");
        return await tenants.SetSuspendedAsync(id, suspend, user.Actor(), request?.Reason, ct) is { } tenant
            ? TypedResults.Ok(tenant) : Problems.NotFound("tenant");
    }

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid id, TenantStore tenants, CancellationToken ct) =>
        await tenants.DeleteAsync(id, ct) switch
        {
            TenantStore.Deletion.Deleted => TypedResults.NoContent(),
            TenantStore.Deletion.NotSuspended => Problems.Conflict("Suspend the tenant before deleting it."),
            TenantStore.Deletion.Subscribed => Problems.Conflict("The tenant has a Stripe subscription; set its tier to free (which ends it) before deleting it."),
            _ => Problems.NotFound("tenant"),
        };

    private static async Task<Results<Ok<RotatedSecret>, ProblemHttpResult>> RotateAdminSecret(
        RotateSecretRequest? request, ClaimsPrincipal user, TenantStore tenants, IOptions<IdentityOptions> options, CancellationToken ct)
    {
        var (rotation, error) = RotateSecretRequest.Resolve(request, options.Value);
        if (rotation is null) return Problems.BadRequest(error!);
        return TypedResults.Ok(await tenants.RotateAdminSecretAsync(user.TenantId(), user.Actor(), rotation, ct));
    }
}
