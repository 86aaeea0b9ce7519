using AgentIdP.Api.Platform;
using AgentIdP.KeyRing;
using Npgsql;

namespace AgentIdP.Api.Keys;

/// <summary>
/// At startup, re-encrypts every row of <c>data_protection_keys</c> that is not encrypted under the current key-ring
/// secret: plain-text rows from before the ring was encrypted, and rows under a secret since rotated (listed in
/// <c>DataProtection:PreviousKeyRingSecrets</c>). The keys inside do not change, so the signing keys still unwrap.
/// Replicas starting together may both rewrite a row; each update applies only to the text it read.
/// </summary>
internal sealed class KeyRingUpgrade(NpgsqlDataSource db, KeyRingSecrets secrets, ILogger<KeyRingUpgrade> logger) : IStartupTask
{
    public StartupStage Stage => StartupStage.Warm;

    public Task RunAsync(CancellationToken ct) =>
        KeyRingRewrap.RewrapAllAsync(secrets, () => ReadAsync(ct), (name, old, upgraded) => ReplaceAsync(name, old, upgraded, ct), logger);

    private async Task<IReadOnlyList<(string Name, string Xml)>> ReadAsync(CancellationToken ct)
    {
        var rows = new List<(string Name, string Xml)>();
        await using var read = db.CreateCommand("SELECT friendly_name, xml FROM data_protection_keys");
        await using var reader = await read.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) rows.Add((reader.GetString(0), reader.GetString(1)));
        return rows;
    }

    private async Task<bool> ReplaceAsync(string name, string old, string upgraded, CancellationToken ct)
    {
        await using var update = db.CreateCommand("UPDATE data_protection_keys SET xml = @new WHERE friendly_name = @name AND xml = @old");
        update.Parameters.AddWithValue("new", upgraded);
        update.Parameters.AddWithValue("name", name);
        update.Parameters.AddWithValue("old", old);
        return await update.ExecuteNonQueryAsync(ct) == 1;
    }
}
