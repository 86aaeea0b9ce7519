using AgentIdP;
using AgentIdP.AppHost;

var builder = DistributedApplication.CreateBuilder(args);

var infra = Infrastructure.Add(builder);
var secrets = Secrets.Add(builder);

var api = builder.AddProject<Projects.AgentIdP_Api>(ResourceNames.Api)
    .WithReplicas(2)
    .WithReference(infra.Database).WaitFor(infra.DatabaseServer)
    .WithReference(infra.Cache).WaitFor(infra.CacheServer)
    .WithEnvironment("Identity__SecretPepper", secrets.Pepper)
    .WithKeyRingSecret(secrets)
    .WithEnvironment("Identity__PlatformAdmin__ClientSecret", secrets.PlatformAdmin)
    .WithEnvironment("DEMO_SEED", "true")
    // Set explicitly, as the rollout plan asks: limits are enforced in the full system (shadow mode is the bare API's default).
    .WithEnvironment("TIER_ENFORCEMENT", "true")
    .WithEnvironment("Demo__AdminSecret", secrets.DemoAdmin)
    .WithEnvironment("OTEL_EXPORTER_OTLP_TIMEOUT", "1000")
    .WithHttpHealthCheck(ServiceDefaultsPaths.Health);

// Every replica signs tokens for one issuer: the address clients reach the API at.
api.WithEnvironment("Identity__Issuer", api.GetEndpoint("http"));

builder.AddProject<Projects.AgentIdP_Portal>(ResourceNames.Portal)
    .WithReference(api).WaitFor(api)
    // Portal sessions and the portal's key ring live in Redis (docs/portal.md).
    .WithReference(infra.Cache).WaitFor(infra.CacheServer)
    .WithKeyRingSecret(secrets)
    .WithEnvironment("OTEL_EXPORTER_OTLP_TIMEOUT", "1000")
    .WithHttpHealthCheck(ServiceDefaultsPaths.Health)
    .WithExternalHttpEndpoints();

Billing.AddIfConfigured(builder, api);
secrets.PrintDemoSignIn(builder);

builder.Build().Run();
