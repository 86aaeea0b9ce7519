using System.Collections.Frozen;
using System.Text.Json;

namespace AgentIdP.Api.Compliance;

/// <summary>An OASF class (skill, domain or module) as a taxonomy id and its full name.</summary>
public sealed record OasfClass(int Id, string Name);

/// <summary>
/// The pinned OASF 1.0.0 taxonomy: skill, domain and module ids with their names. A pair is taxonomy-consistent when
/// the id and the name belong together in 1.0.0; names from later versions (1.1.0 renamed everything) are unknown here.
/// </summary>
public sealed class OasfTaxonomy
{
    public const string SchemaVersion = "1.0.0";

    /// <summary><c>integration/acp</c> is deprecated in 1.0.0.</summary>
    public static readonly FrozenSet<int> DeprecatedModules = FrozenSet.ToFrozenSet([201]);

    public static readonly OasfClass A2AModule = new(203, "integration/a2a");

    public static OasfTaxonomy Pinned { get; } = Load();

    private OasfTaxonomy(Kind skills, Kind domains, Kind modules) => (Skills, Domains, Modules) = (skills, domains, modules);

    public Kind Skills { get; }
    public Kind Domains { get; }
    public Kind Modules { get; }

    /// <summary>One kind of class (skills, domains or modules), looked up both ways.</summary>
    public sealed class Kind(string what, IReadOnlyDictionary<int, string> byId)
    {
        private readonly FrozenDictionary<int, string> _byId = byId.ToFrozenDictionary();
        private readonly FrozenDictionary<string, int> _byName = byId.ToFrozenDictionary(p => p.Value, p => p.Key, StringComparer.Ordinal);

        public int Count => _byId.Count;

        public bool Contains(OasfClass pair) => _byId.TryGetValue(pair.Id, out var name) && name == pair.Name;

        /// <summary>
        /// The pair for an id, a name or both; an error sentence when the id is unknown, the name is unknown, or the two
        /// do not belong together.
        /// </summary>
        public (OasfClass? Pair, string? Error) Resolve(int? id, string? name)
        {
            if (id is null && string.IsNullOrEmpty(name)) return (null, $"each OASF {what} needs an id or a name.");
            if (id is { } i)
            {
                if (!_byId.TryGetValue(i, out var known)) return (null, $"OASF {what} id {i} is not in the OASF {SchemaVersion} taxonomy.");
                return string.IsNullOrEmpty(name) || name == known
                    ? (new OasfClass(i, known), null)
                    : (null, $"OASF {what} id {i} is '{known}' in the OASF {SchemaVersion} taxonomy, not '{Shorten(name)}'.");
            }
            return _byName.TryGetValue(name!, out var byName)
                ? (new OasfClass(byName, name!), null)
                : (null, $"OASF {what} name '{Shorten(name!)}' is not in the OASF {SchemaVersion} taxonomy (names from later OASF versions are not accepted).");
        }

        private static string Shorten(string s) => s.Length > 100 ? s[..100] + "…" : s;
    }

    private static OasfTaxonomy Load()
    {
        using var document = JsonDocument.Parse(PinnedResources.Read(PinnedResources.OasfTaxonomy));
        var root = document.RootElement;
        if (root.GetProperty("schemaVersion").GetString() != SchemaVersion)
        {
            throw new InvalidOperationException($"The pinned OASF taxonomy is not version {SchemaVersion}.");
        }
        Kind Read(string property, string what) => new(what,
            root.GetProperty(property).EnumerateObject().ToDictionary(p => int.Parse(p.Name, System.Globalization.CultureInfo.InvariantCulture), p => p.Value.GetString()!));
        return new OasfTaxonomy(Read("skills", "skill"), Read("domains", "domain"), Read("modules", "module"));
    }
}
