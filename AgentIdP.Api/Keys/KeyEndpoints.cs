using System.Security.Claims;
using AgentIdP.Api.Auth;
using AgentIdP.Api.Cluster;
using AgentIdP.Api.Platform;
using AgentIdP.KeyRing;
using Microsoft.AspNetCore.DataProtection;

namespace AgentIdP.Api.Keys;

public static class KeyEndpoints
{
    public sealed record Rotated(string Kid, string[] PublishedKids);

    /// <param name="AlreadyRevoked">True when the key had been revoked before this call (revoking again changes nothing).</param>
    /// <param name="ActiveKid">The key new tokens are signed with now.</param>
    public sealed record Revoked(string Kid, DateTimeOffset RevokedAt, bool AlreadyRevoked, string ActiveKid, string[] PublishedKids);

    /// <summary>The Data Protection application name: every replica must use the same one to share the key ring.</summary>
    public const string ApplicationName = "AgentIdP";

    public static WebApplicationBuilder AddKeys(this WebApplicationBuilder builder)
    {
        // One key ring for every replica, kept in Postgres: a key protected on one replica unprotects on the other.
        // Encrypted at rest with the key-ring secret, which is not in Postgres: a database copy alone unwraps no signing key.
        builder.Services.AddDataProtection().SetApplicationName(ApplicationName).ProtectKeyRing(builder.Configuration, builder.Environment);
        builder.Services.AddOptions<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>()
            .Configure<Npgsql.NpgsqlDataSource>((o, db) => o.XmlRepository = new PostgresXmlRepository(db));
        builder.Services.AddSingleton<IStartupTask, KeyRingUpgrade>();
        builder.Services.AddReplicatedState<SigningKeyStore, SigningKeysChanged>(SigningKeyStore.RefreshInterval);
        return builder;
    }

    public static WebApplication MapKeys(this WebApplication app)
    {
        var group = app.MapGroup("/api/platform/keys").WithTags("Signing keys (platform operator)").RequirePlatformAdmin();
        group.MapPost("/rotate", Rotate)
            .WithSummary("Start signing with a new key; retired keys stay in the JWKS until their tokens expire");
        group.MapPost("/{kid}/revoke", Revoke)
            .WithSummary("Emergency: take a key out of the JWKS and refuse its tokens at once on every replica (a new active key replaces an active one)");
        return app;
    }

    private static async Task<Ok<Rotated>> Rotate(ClaimsPrincipal user, SigningKeyStore keys, CancellationToken ct)
    {
        var kid = await keys.RotateAsync(user.Actor(), ct);
        return TypedResults.Ok(new Rotated(kid, [.. keys.Published.Select(k => k.Kid)]));
    }

    private static async Task<Results<Ok<Revoked>, ProblemHttpResult>> Revoke(string kid, ClaimsPrincipal user, SigningKeyStore keys, CancellationToken ct) =>
        await keys.RevokeAsync(kid, user.Actor(), ct) is { } r
            ? TypedResults.Ok(new Revoked(r.Kid, r.RevokedAt, r.AlreadyRevoked, keys.Active.Kid, [.. keys.Published.Select(k => k.Kid)]))
            : TypedResults.Problem($"No signing key has kid '{kid}'.", statusCode: StatusCodes.Status404NotFound, title: "Not found");
}
