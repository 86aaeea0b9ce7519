using System.Security.Claims;
using AgentIdP.Api.Agents;
using AgentIdP.Api.Auth;
using AgentIdP.Api.OAuth;
using AgentIdP.Api.Platform;
using AgentIdP.Api.Tenants;
using Microsoft.Extensions.Options;
using Microsoft.Net.Http.Headers;
using Npgsql;

namespace AgentIdP.Api.Compliance;

/// <summary>
/// A2A agent cards and OASF records (public under the tenant, and for tenant admins), and the tenant's compliance
/// report as JSON or JWS. With <c>COMPLIANCE_ENABLED=false</c> none of these routes exists, so each answers 404.
/// </summary>
public static class ComplianceEndpoints
{
    public const string PublicCacheControl = "public, max-age=300";
    private const string PrivateCacheControl = "private, no-cache";
    public const string JoseMediaType = "application/jose";
    private const string JsonMediaType = "application/json";

    public static WebApplicationBuilder AddCompliance(this WebApplicationBuilder builder)
    {
        // Agents store the profile this feature owns and ask it to check what they are sent.
        builder.Services.AddSingleton<IAgentProfileValidator, AgentProfileValidator>();
        builder.Services.AddSingleton<ComplianceRoutes>();
        builder.Services.AddSingleton<CardSigner>();
        builder.Services.AddSingleton<AgentCards>();
        builder.Services.AddSingleton<AgentDocuments>();
        builder.Services.AddSingleton<ComplianceReportBuilder>();
        builder.Services.AddSingleton<ComplianceReports>();
        return builder;
    }

    public static WebApplication MapCompliance(this WebApplication app)
    {
        if (!app.Services.GetRequiredService<IOptions<FeatureFlags>>().Value.ComplianceEnabled) return app;

        var published = app.MapGroup(ComplianceRoutes.PublicAgent).WithTags("Agent cards and records (public)").AllowAnonymous();
        published.MapGet(ComplianceRoutes.PublicCard, PublicCard).WithSummary("An agent's signed A2A AgentCard 1.0");
        published.MapGet(ComplianceRoutes.PublicRecord, PublicRecord).WithSummary("An agent's OASF 1.0.0 record");

        var admin = app.MapGroup("/api/agents").WithTags("Agent cards and records").RequireTenantAdmin();
        admin.MapGet(ComplianceRoutes.AdminCard, AdminCard).WithSummary("The agent's A2A card, or why it has none yet");
        admin.MapGet(ComplianceRoutes.AdminRecord, AdminRecord).WithSummary("The agent's OASF record, or why it has none yet");

        var report = app.MapGroup("").WithTags("Compliance").RequireTenantAdmin();
        report.MapGet(ComplianceRoutes.Report, Report)
            .WithSummary("The tenant's AGNTCY compliance report (JSON; Accept: application/jose for the signed JWS)");
        report.MapGet(ComplianceRoutes.SignedReport, SignedReport).WithSummary("The tenant's compliance report as a compact JWS (ES256)");
        return app;
    }

    private static Task<Results<FileContentHttpResult, StatusCodeHttpResult, ProblemHttpResult>> PublicCard(
        Guid tenantId, Guid agentId, AgentStore agents, AgentDocuments documents, NpgsqlDataSource db, UnknownIds unknown, TokenWatermarks watermarks, HttpContext context, CancellationToken ct) =>
        PublishedAsync(tenantId, agentId, set => set.Card, agents, documents, db, unknown, watermarks, context, ct);

    private static Task<Results<FileContentHttpResult, StatusCodeHttpResult, ProblemHttpResult>> PublicRecord(
        Guid tenantId, Guid agentId, AgentStore agents, AgentDocuments documents, NpgsqlDataSource db, UnknownIds unknown, TokenWatermarks watermarks, HttpContext context, CancellationToken ct) =>
        PublishedAsync(tenantId, agentId, set => set.Record, agents, documents, db, unknown, watermarks, context, ct);

    private static Task<Results<FileContentHttpResult, StatusCodeHttpResult, ProblemHttpResult>> AdminCard(
        Guid id, ClaimsPrincipal user, AgentStore agents, AgentDocuments documents, NpgsqlDataSource db, HttpContext context, CancellationToken ct) =>
        ForAdminAsync(user.TenantId(), id, set => set.Card, "an A2A card", agents, documents, db, context, ct);

    private static Task<Results<FileContentHttpResult, StatusCodeHttpResult, ProblemHttpResult>> AdminRecord(
        Guid id, ClaimsPrincipal user, AgentStore agents, AgentDocuments documents, NpgsqlDataSource db, HttpContext context, CancellationToken ct) =>
        ForAdminAsync(user.TenantId(), id, set => set.Record, "an OASF record", agents, documents, db, context, ct);

    /// <summary>
    /// An active agent's card or record for anyone; 404 for an unknown or disabled agent, an agent of a suspended
    /// tenant, or one without that document.
    /// </summary>
    private static async Task<Results<FileContentHttpResult, StatusCodeHttpResult, ProblemHttpResult>> PublishedAsync(
        Guid tenantId, Guid agentId, Func<AgentDocumentSet, DocumentResult> pick, AgentStore agents, AgentDocuments documents,
        NpgsqlDataSource db, UnknownIds unknown, TokenWatermarks watermarks, HttpContext context, CancellationToken ct)
    {
        if (watermarks.IsSuspended(tenantId) || unknown.IsKnownUnknown(UnknownIds.Agent, tenantId, agentId)) return NotPublished();
        var found = await agents.GetAsync(tenantId, agentId, ct);
        if (found is null) unknown.Remember(UnknownIds.Agent, tenantId, agentId);
        if (found is not { Status: AgentStatus.Active } agent) return NotPublished();
        var document = pick(await documents.BuildAsync(agent, await TenantNameAsync(db, tenantId, ct), ct));
        return document.Document is { } served ? Conditional(context, served.Bytes, served.ETag, JsonMediaType, PublicCacheControl) : NotPublished();
    }

    /// <summary>The tenant admin's copy, disabled agents included; 409 saying what the profile lacks when there is no document.</summary>
    private static async Task<Results<FileContentHttpResult, StatusCodeHttpResult, ProblemHttpResult>> ForAdminAsync(
        Guid tenantId, Guid id, Func<AgentDocumentSet, DocumentResult> pick, string what, AgentStore agents, AgentDocuments documents,
        NpgsqlDataSource db, HttpContext context, CancellationToken ct)
    {
        if (await agents.GetAsync(tenantId, id, ct) is not { } agent) return Problems.NotFound("agent");
        var document = pick(await documents.BuildAsync(agent, await TenantNameAsync(db, tenantId, ct), ct));
        return document.Document is { } served
            ? Conditional(context, served.Bytes, served.ETag, JsonMediaType, PrivateCacheControl)
            : Incomplete(what, document.Problems);
    }

    private static async Task<Results<FileContentHttpResult, StatusCodeHttpResult, ProblemHttpResult>> Report(
        ClaimsPrincipal user, ComplianceReports reports, HttpContext context, CancellationToken ct)
    {
        context.Response.Headers.Vary = new(["Accept", "Accept-Encoding"]);
        var signed = context.Request.GetTypedHeaders().Accept.Any(a => a.MediaType.Equals(JoseMediaType, StringComparison.OrdinalIgnoreCase));
        return await ServeReportAsync(user, reports, context, signed, ct);
    }

    private static Task<Results<FileContentHttpResult, StatusCodeHttpResult, ProblemHttpResult>> SignedReport(
        ClaimsPrincipal user, ComplianceReports reports, HttpContext context, CancellationToken ct) =>
        ServeReportAsync(user, reports, context, signed: true, ct);

    private static async Task<Results<FileContentHttpResult, StatusCodeHttpResult, ProblemHttpResult>> ServeReportAsync(
        ClaimsPrincipal user, ComplianceReports reports, HttpContext context, bool signed, CancellationToken ct)
    {
        if (await reports.GetAsync(user.TenantId(), ct) is not { } report) return Problems.NotFound("tenant");
        context.Response.Headers["X-Report-Generated-At"] = report.GeneratedAt.ToString("O");
        context.Response.Headers["X-Report-Cached-Until"] = report.CachedUntil.ToString("O");
        if (signed) return Conditional(context, report.Jws, report.JwsETag, JoseMediaType, PrivateCacheControl);
        if (!AcceptsGzip(context.Request)) return Conditional(context, report.Json, report.ETag, JsonMediaType, PrivateCacheControl);
        context.Response.Headers.ContentEncoding = "gzip";
        return Conditional(context, report.JsonGzip, report.GzipETag, JsonMediaType, PrivateCacheControl);
    }

    /// <summary>The bytes with their ETag and Cache-Control, or 304 when the client already holds them (If-None-Match).</summary>
    private static Results<FileContentHttpResult, StatusCodeHttpResult, ProblemHttpResult> Conditional(
        HttpContext context, byte[] bytes, string etag, string contentType, string cacheControl)
    {
        context.Response.Headers.ETag = etag;
        context.Response.Headers.CacheControl = cacheControl;
        var tag = new EntityTagHeaderValue(etag);
        if (context.Request.GetTypedHeaders().IfNoneMatch.Any(t => t.Equals(EntityTagHeaderValue.Any) || t.Compare(tag, useStrongComparison: false)))
        {
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        }
        return TypedResults.File(bytes, contentType);
    }

    private static bool AcceptsGzip(HttpRequest request) =>
        request.GetTypedHeaders().AcceptEncoding.Any(e => e.Quality is not 0
            && (e.Value.Equals("gzip", StringComparison.OrdinalIgnoreCase) || e.Value.Equals("*", StringComparison.Ordinal)));

    private static ProblemHttpResult NotPublished() =>
        TypedResults.Problem("No agent publishes a document at this address.", statusCode: StatusCodes.Status404NotFound, title: "Not found");

    private static ProblemHttpResult Incomplete(string what, IReadOnlyList<string> problems) =>
        TypedResults.Problem($"The agent's profile does not make {what} yet: {string.Join("; ", problems)}.",
            statusCode: StatusCodes.Status409Conflict, title: "Agent profile incomplete",
            extensions: new Dictionary<string, object?> { ["problems"] = problems });

    private static async Task<string> TenantNameAsync(NpgsqlDataSource db, Guid tenantId, CancellationToken ct) =>
        (await TenantStore.FindAsync(db, tenantId, ct))?.Name ?? "";
}
