using System.Security.Claims;
using AgentIdP.Api.Auth;
using AgentIdP.Api.OAuth;
using AgentIdP.Api.Platform;
using AgentIdP.Api.Tiers;
using Microsoft.Extensions.Options;

namespace AgentIdP.Api.Agents;

/// <summary>Agents of the caller's tenant: create (with a secret shown once), list, read, update, disable, delete, rotate.</summary>
public static class AgentEndpoints
{
    public const string MaxAgentsLimit = "max_agents";

    public static WebApplicationBuilder AddAgents(this WebApplicationBuilder builder)
    {
        builder.Services.AddSingleton<AgentStore>();
        return builder;
    }

    public static WebApplication MapAgents(this WebApplication app)
    {
        var group = app.MapGroup("/api/agents").WithTags("Agents").RequireTenantAdmin();
        group.MapPost("", Create).WithSummary("Register an agent; the answer holds its client secret, shown this once");
        group.MapGet("", List).WithSummary("The tenant's agents, newest first");
        group.MapGet("/{id:guid}", Get).WithSummary("One agent");
        group.MapPatch("/{id:guid}", Update).WithSummary("Change an agent's name, description, scopes, keys or profile (card and record fields)");
        group.MapPost("/{id:guid}/disable", (Guid id, ClaimsPrincipal user, AgentStore store, CancellationToken ct) => SetStatus(id, AgentStatus.Disabled, user, store, ct))
            .WithSummary("Disable an agent: it can no longer get tokens");
        group.MapPost("/{id:guid}/enable", (Guid id, ClaimsPrincipal user, AgentStore store, CancellationToken ct) => SetStatus(id, AgentStatus.Active, user, store, ct))
            .WithSummary("Enable a disabled agent");
        group.MapDelete("/{id:guid}", Delete).WithSummary("Delete an agent and its credentials");
        group.MapPost("/{id:guid}/credentials/rotate", Rotate)
            .WithSummary("Issue a new client secret; the old one keeps working for the grace period");
        return app;
    }

    private static async Task<Results<Created<CreatedAgent>, ProblemHttpResult, ValidationProblem>> Create(
        CreateAgentRequest request, ClaimsPrincipal user, AgentStore store, IAgentProfileValidator profiles, IOptions<FeatureFlags> flags,
        TierMetrics metrics, CancellationToken ct)
    {
        if ((AgentValidation.Name(request.Name) ?? AgentValidation.Description(request.Description)
             ?? AgentValidation.ScopeList(request.Scopes) ?? AgentValidation.Jwks(request.Jwks)) is { } error)
        {
            return Problems.BadRequest(error);
        }
        var profile = profiles.ForNewAgent(request.Profile);
        if (!profile.IsValid) return Problems.Invalid(profile.Errors);
        var (created, limit) = await store.CreateAsync(user.TenantId(), user.Actor(), request, profile.Profile, flags.Value.TierEnforcement, ct);
        if (limit is not null) metrics.Decision(limit.Tier, MaxAgentsLimit, created is null ? "rejected" : "would_reject");
        if (created is null)
        {
            return TypedResults.Problem(
                $"The {limit!.Tier.Name()} tier allows {limit.MaxAgents:N0} agents and the tenant has that many. Delete an agent, or upgrade with POST {TierLimiter.UpgradePath}.",
                statusCode: StatusCodes.Status409Conflict, title: "Agent limit reached",
                extensions: new Dictionary<string, object?> { ["tier"] = limit.Tier.Name(), ["limit"] = MaxAgentsLimit, ["maxAgents"] = limit.MaxAgents });
        }
        return TypedResults.Created($"/api/agents/{created.Agent.Id}", created);
    }

    private static async Task<Results<Ok<Page<Agent>>, ProblemHttpResult>> List(
        ClaimsPrincipal user, AgentStore store, int? page, int? pageSize, CancellationToken ct)
    {
        if (Paging.Validate(page, pageSize) is { } problem) return problem;
        var (p, size) = Paging.Resolve(page, pageSize);
        return TypedResults.Ok(await store.ListAsync(user.TenantId(), p, size, ct));
    }

    private static async Task<Results<Ok<Agent>, ProblemHttpResult>> Get(Guid id, ClaimsPrincipal user, AgentStore store, CancellationToken ct) =>
        await store.GetAsync(user.TenantId(), id, ct) is { } agent ? TypedResults.Ok(agent) : Problems.NotFound("agent");

    private static async Task<Results<Ok<Agent>, ProblemHttpResult, ValidationProblem>> Update(
        Guid id, UpdateAgentRequest request, ClaimsPrincipal user, AgentStore store, IAgentProfileValidator profiles, CancellationToken ct)
    {
        if (request.IsEmpty) return Problems.BadRequest("Nothing to change: send at least one field to update.");
        if (((request.Name is null ? null : AgentValidation.Name(request.Name)) ?? AgentValidation.Description(request.Description)
             ?? AgentValidation.ScopeList(request.Scopes) ?? AgentValidation.Jwks(request.Jwks)) is { } error)
        {
            return Problems.BadRequest(error);
        }
        var changes = profiles.Changes(request.Profile);
        if (!changes.IsValid) return Problems.Invalid(changes.Errors);
        return await store.UpdateAsync(user.TenantId(), user.Actor(), id, request, changes.Profile, ct) is { } agent
            ? TypedResults.Ok(agent) : Problems.NotFound("agent");
    }

    private static async Task<Results<Ok<Agent>, ProblemHttpResult>> SetStatus(
        Guid id, AgentStatus status, ClaimsPrincipal user, AgentStore store, CancellationToken ct) =>
        await store.SetStatusAsync(user.TenantId(), user.Actor(), id, status, ct) is { } agent ? TypedResults.Ok(agent) : Problems.NotFound("agent");

    private static async Task<Results<NoContent, ProblemHttpResult>> Delete(Guid id, ClaimsPrincipal user, AgentStore store, CancellationToken ct) =>
        await store.DeleteAsync(user.TenantId(), user.Actor(), id, ct) ? TypedResults.NoContent() : Problems.NotFound("agent");

    private static async Task<Results<Ok<RotatedSecret>, ProblemHttpResult>> Rotate(
        Guid id, RotateSecretRequest? request, ClaimsPrincipal user, AgentStore store, IOptions<IdentityOptions> options, CancellationToken ct)
    {
        var (rotation, error) = RotateSecretRequest.Resolve(request, options.Value);
        if (rotation is null) return Problems.BadRequest(error!);
        return await store.RotateSecretAsync(user.TenantId(), user.Actor(), id, rotation, ct) is { } rotated
            ? TypedResults.Ok(rotated) : Problems.NotFound("agent");
    }
}
