using AgentIdP.Api.OAuth;

namespace AgentIdP.Api.Keys;

/// <summary>
/// Loads the signing keys (creating the first) and the revocation list before the server takes requests; it runs
/// after the migrations because hosted services start in the order they were added.
/// </summary>
internal sealed class KeysAndRevocationsInitializer(SigningKeyStore keys, RevocationList revocations) : IHostedService
{
    public async Task StartAsync(CancellationToken ct)
    {
        await keys.InitializeAsync(ct);
        await revocations.InitializeAsync(ct);
    }

    public Task StopAsync(CancellationToken ct) => Task.CompletedTask;
}
