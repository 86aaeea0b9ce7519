using System.Reflection;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace AgentIdP.Api.Data;

/// <summary>One numbered SQL script (<c>023_add_analytics_events.sql</c> is version 23).</summary>
public sealed partial record MigrationScript(int Version, string Name, string Sql)
{
    public string Checksum { get; } = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Sql.ReplaceLineEndings("\n"))));

    /// <summary>The scripts embedded from <c>Migrations/</c>, in version order; a duplicate version stops startup.</summary>
    public static IReadOnlyList<MigrationScript> Embedded(Assembly assembly)
    {
        var scripts = new List<MigrationScript>();
        foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.EndsWith(".sql", StringComparison.Ordinal)))
        {
            // Resource names look like AgentIdP.Api.Migrations.023_add_analytics_events.sql
            var file = resource[(resource.LastIndexOf(".Migrations.", StringComparison.Ordinal) + ".Migrations.".Length)..];
            var match = FileName().Match(file);
            if (!match.Success) throw new InvalidOperationException($"Migration '{file}' must be named NNN_description.sql.");
            using var stream = assembly.GetManifestResourceStream(resource)!;
            using var reader = new StreamReader(stream);
            scripts.Add(new MigrationScript(int.Parse(match.Groups[1].Value), file, reader.ReadToEnd()));
        }
        var duplicate = scripts.GroupBy(s => s.Version).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new InvalidOperationException($"Two migrations share version {duplicate.Key}: {string.Join(", ", duplicate.Select(s => s.Name))}.");
        }
        return scripts.OrderBy(s => s.Version).ToList();
    }

    [GeneratedRegex(@"^(\d{3})_[a-z0-9_]+\.sql$")]
    private static partial Regex FileName();
}
