namespace AgentIdP.AppHost;

/// <summary>
/// The API's secrets as Aspire parameters: generated on first run and kept in the AppHost's user secrets, so a
/// persistent local database keeps working across runs. Set them explicitly (Parameters:*) in real deployments.
/// </summary>
internal sealed record Secrets(
    IResourceBuilder<ParameterResource> Pepper,
    IResourceBuilder<ParameterResource> PlatformAdmin,
    IResourceBuilder<ParameterResource> DemoAdmin,
    IResourceBuilder<ParameterResource> KeyRing,
    IResourceBuilder<ParameterResource>? PreviousKeyRing)
{
    public const string DemoAdminClientId = "demo-admin";

    /// <summary>The environment variable the API and the portal read the key-ring secret from.</summary>
    public const string KeyRingEnvironment =
        global::AgentIdP.KeyRing.KeyRingOptions.Section + "__" + nameof(global::AgentIdP.KeyRing.KeyRingOptions.KeyRingSecret);

    public const string PreviousKeyRingEnvironment =
        global::AgentIdP.KeyRing.KeyRingOptions.Section + "__" + nameof(global::AgentIdP.KeyRing.KeyRingOptions.PreviousKeyRingSecrets) + "__0";

    /// <summary>Set (in the AppHost's user secrets) only while the key-ring secret is being rotated; see docs/identity.md.</summary>
    private const string PreviousKeyRingParameter = "key-ring-previous-secret";

    public static Secrets Add(IDistributedApplicationBuilder builder)
    {
        var generated = new GenerateParameterDefault { MinLength = 48, Special = false };
        return new Secrets(
            builder.AddParameter("secret-pepper", generated, secret: true, persist: true),
            builder.AddParameter("platform-admin-secret", generated, secret: true, persist: true),
            builder.AddParameter("demo-admin-secret", generated, secret: true, persist: true),
            // Encrypts the Data Protection key rings (the API's in Postgres, the portal's in Redis); never stored beside them.
            builder.AddParameter("key-ring-secret", generated, secret: true, persist: true),
            string.IsNullOrEmpty(builder.Configuration[$"Parameters:{PreviousKeyRingParameter}"])
                ? null
                : builder.AddParameter(PreviousKeyRingParameter, secret: true));
    }

    /// <summary>Tells a newcomer how to sign in to the demo tenant: a local throwaway credential, shown on the developer's own console.</summary>
    public void PrintDemoSignIn(IDistributedApplicationBuilder builder) =>
        builder.Eventing.Subscribe<AfterResourcesCreatedEvent>(async (_, ct) =>
        {
            var secret = await DemoAdmin.Resource.GetValueAsync(ct);
            Console.WriteLine(
                $"AgentIdP: portal sign-in for the demo tenant: client id '{DemoAdminClientId}', client secret '{secret}'. " +
                "The platform operator's secret is the 'platform-admin-secret' parameter in the dashboard.");
        });
}

internal static class KeyRingSecretExtensions
{
    /// <summary>The key-ring secret (and, during a rotation, the previous one) for a project that keeps a Data Protection key ring.</summary>
    public static IResourceBuilder<ProjectResource> WithKeyRingSecret(this IResourceBuilder<ProjectResource> project, Secrets secrets)
    {
        project.WithEnvironment(Secrets.KeyRingEnvironment, secrets.KeyRing);
        if (secrets.PreviousKeyRing is { } previous) project.WithEnvironment(Secrets.PreviousKeyRingEnvironment, previous);
        return project;
    }
}
