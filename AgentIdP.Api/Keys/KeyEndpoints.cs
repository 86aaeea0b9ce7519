using AgentIdP.Api.Auth;
using AgentIdP.Api.Cluster;
using Microsoft.AspNetCore.DataProtection;

namespace AgentIdP.Api.Keys;

public static class KeyEndpoints
{
    public sealed record Rotated(string Kid, string[] PublishedKids);

    public static WebApplicationBuilder AddKeys(this WebApplicationBuilder builder)
    {
        // One key ring for every replica, kept in Postgres: a key protected on one replica unprotects on the other.
        builder.Services.AddDataProtection().SetApplicationName("AgentIdP");
        builder.Services.AddOptions<Microsoft.AspNetCore.DataProtection.KeyManagement.KeyManagementOptions>()
            .Configure<Npgsql.NpgsqlDataSource>((o, db) => o.XmlRepository = new PostgresXmlRepository(db));
        builder.Services.AddReplicatedState<SigningKeyStore, SigningKeyRotated>(SigningKeyStore.RefreshInterval);
        return builder;
    }

    public static WebApplication MapKeys(this WebApplication app)
    {
        var group = app.MapGroup("/api/platform/keys").WithTags("Signing keys (platform operator)").RequirePlatformAdmin();
        group.MapPost("/rotate", async (SigningKeyStore keys, CancellationToken ct) =>
        {
            var kid = await keys.RotateAsync(ct);
            return TypedResults.Ok(new Rotated(kid, [.. keys.Published.Select(k => k.Kid)]));
        }).WithSummary("Start signing with a new key; retired keys stay in the JWKS until their tokens expire");
        return app;
    }
}
