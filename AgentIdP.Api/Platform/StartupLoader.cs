using AgentIdP.Api.Keys;
using AgentIdP.Api.OAuth;

namespace AgentIdP.Api.Platform;

/// <summary>
/// Loads the signing keys (creating the first), the revocation list and the tenants' tiers before the server takes requests; it runs
/// after the migrations because hosted services start in the order they were added.
/// </summary>
internal sealed class StartupLoader(SigningKeyStore keys, RevocationList revocations, Tiers.TenantTiers tiers) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        await keys.InitializeAsync(ct);
        await revocations.InitializeAsync(ct);
        await tiers.InitializeAsync(ct);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
