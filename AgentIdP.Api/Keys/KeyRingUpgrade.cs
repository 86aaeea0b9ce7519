using System.Xml.Linq;
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
internal sealed partial class KeyRingUpgrade(NpgsqlDataSource db, KeyRingSecrets secrets, ILogger<KeyRingUpgrade> logger) : IStartupTask
{
    public StartupStage Stage => StartupStage.Warm;

    public async Task RunAsync(CancellationToken ct)
    {
        if (secrets.CurrentId is null) return;
        var rows = new List<(string Name, string Xml)>();
        await using (var read = db.CreateCommand("SELECT friendly_name, xml FROM data_protection_keys"))
        await using (var reader = await read.ExecuteReaderAsync(ct))
        {
            while (await reader.ReadAsync(ct)) rows.Add((reader.GetString(0), reader.GetString(1)));
        }
        var rewritten = 0;
        foreach (var (name, xml) in rows)
        {
            if (KeyRingRewrap.Rewrap(XElement.Parse(xml), secrets) is not { } upgraded) continue;
            await using var update = db.CreateCommand("UPDATE data_protection_keys SET xml = @new WHERE friendly_name = @name AND xml = @old");
            update.Parameters.AddWithValue("new", upgraded.ToString(SaveOptions.DisableFormatting));
            update.Parameters.AddWithValue("name", name);
            update.Parameters.AddWithValue("old", xml);
            rewritten += await update.ExecuteNonQueryAsync(ct);
        }
        if (rewritten > 0) LogRewritten(logger, rewritten);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Re-encrypted {Count} Data Protection key(s) under the current key-ring secret")]
    private static partial void LogRewritten(ILogger logger, int count);
}
