using System.Diagnostics;

namespace AgentIdP.AppHost;

/// <summary>The Postgres database and the Redis cache, as containers or as the machine's own executables.</summary>
/// <param name="Database">What projects reference to get the <c>agentidp</c> connection string.</param>
/// <param name="DatabaseServer">What projects wait for before they start.</param>
internal sealed record Infrastructure(
    IResourceBuilder<IResourceWithConnectionString> Database,
    IResourceBuilder<IResource> DatabaseServer,
    IResourceBuilder<IResourceWithConnectionString> Cache,
    IResourceBuilder<IResource> CacheServer)
{
    public const string ModeKey = "AgentIdP:Infra";

    public static Infrastructure Add(IDistributedApplicationBuilder builder)
    {
        var requested = (builder.Configuration[ModeKey] ?? "auto").Trim().ToLowerInvariant();
        var mode = requested switch
        {
            "container" => RequireContainerRuntime(),
            "local" => "local",
            "auto" => ContainerRuntime.Answers() ? "container" : "local",
            _ => throw new InvalidOperationException(
                $"{ModeKey} is '{requested}'; use 'auto', 'container' or 'local'."),
        };
        Console.WriteLine($"AgentIdP: infrastructure mode '{mode}' ({ModeKey}={requested}).");
        return mode == "container" ? AddContainers(builder) : LocalInfrastructure.Add(builder);
    }

    private static string RequireContainerRuntime() => ContainerRuntime.Answers()
        ? "container"
        : throw new InvalidOperationException(
            $"{ModeKey}=container but no container runtime answers ('docker info' failed). Start Docker or Podman, " +
            $"or use {ModeKey}=local with the packages 'postgresql redis-server' installed.");

    private static Infrastructure AddContainers(IDistributedApplicationBuilder builder)
    {
        var postgres = builder.AddPostgres(ResourceNames.Postgres).WithDataVolume("agentidp-postgres");
        var database = postgres.AddDatabase(ResourceNames.Database);
        var cache = builder.AddRedis(ResourceNames.Cache).WithDataVolume("agentidp-redis");
        return new Infrastructure(database, postgres, cache, cache);
    }
}

internal static class ContainerRuntime
{
    /// <summary>True when Docker (or Podman) answers within a few seconds; a missing engine answers at once.</summary>
    public static bool Answers()
    {
        foreach (var cli in new[] { "docker", "podman" })
        {
            if (LocalBinaries.FindOnPath(cli) is not { } path) continue;
            try
            {
                using var process = Process.Start(new ProcessStartInfo(path, "info")
                {
                    RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false,
                })!;
                if (process.WaitForExit(TimeSpan.FromSeconds(5)) && process.ExitCode == 0) return true;
                if (!process.HasExited) process.Kill(entireProcessTree: true);
            }
            catch (System.ComponentModel.Win32Exception)
            {
                // Not runnable: treat as absent.
            }
        }
        return false;
    }
}
