using Microsoft.AspNetCore.Http.Json;
using Scalar.AspNetCore;

namespace AgentIdP.Api.Platform;

/// <summary>Cross-cutting plumbing: errors as ProblemDetails, options validated at startup, the OpenAPI document.</summary>
public static class PlatformExtensions
{
    /// <summary>Largest request body any endpoint accepts; AgentIdP's requests are small JSON or form posts.</summary>
    public const long MaxRequestBodyBytes = 64 * 1024;

    public static WebApplicationBuilder AddPlatform(this WebApplicationBuilder builder)
    {
        builder.WebHost.ConfigureKestrel(k =>
        {
            k.AddServerHeader = false;
            k.Limits.MaxRequestBodySize = MaxRequestBodyBytes;
        });

        builder.Services.AddProblemDetails(o => o.CustomizeProblemDetails = ctx =>
            ctx.ProblemDetails.Extensions["traceId"] = System.Diagnostics.Activity.Current?.TraceId.ToString() ?? ctx.HttpContext.TraceIdentifier);
        builder.Services.AddExceptionHandler<ExceptionToProblem>();
        // Binding failures throw, so the exception handler can answer them with a ProblemDetails that says what was wrong.
        builder.Services.Configure<RouteHandlerOptions>(o => o.ThrowOnBadRequest = true);
        builder.Services.Configure<JsonOptions>(o =>
        {
            o.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.CamelCase;
            o.SerializerOptions.DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull;
            // A misspelt field is an error, not silently ignored: "scope" for "scopes" must not create an agent without them.
            o.SerializerOptions.UnmappedMemberHandling = System.Text.Json.Serialization.JsonUnmappedMemberHandling.Disallow;
        });

        builder.Services.AddOpenApi(o => o.AddDocumentTransformer((doc, _, _) =>
        {
            doc.Info.Title = "AgentIdP API";
            doc.Info.Description = "Identity provider for AI agents: OAuth2 client credentials, agents, analytics, tiers and AGNTCY compliance.";
            return Task.CompletedTask;
        }));

        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<UnknownIds>();
        builder.Services.AddHostedService<StartupRunner>();
        builder.AddValidatedOptions<IdentityOptions, IdentityOptions.Validator>(IdentityOptions.Section);
        // Every flag is a boolean: there is nothing to validate, but binding at startup makes a value that is not a
        // boolean stop the API with the key in the message instead of failing the first request that reads the flags.
        builder.Services.AddOptions<FeatureFlags>().Bind(builder.Configuration).ValidateOnStart();
        return builder;
    }

    public static WebApplication UsePlatform(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }

    /// <summary>The OpenAPI document at <c>/openapi/v1.json</c> and the interactive reference at <c>/scalar/v1</c>.</summary>
    public static WebApplication MapApiReference(this WebApplication app)
    {
        app.MapOpenApi();
        app.MapScalarApiReference(o => o.WithTitle("AgentIdP API reference"));
        return app;
    }
}
