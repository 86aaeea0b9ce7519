using System.Reflection;
using NetArchTest.Rules;

namespace AgentIdP.Architecture.Tests;

/// <summary>
/// Which of the API's feature folders (namespaces <c>AgentIdP.Api.&lt;Folder&gt;</c>) use which, read from the compiled IL,
/// so a dependency through a fully qualified name or a <c>global using</c> counts as much as a <c>using</c> line.
/// </summary>
public sealed class FeatureGraph
{
    public const string ApiNamespace = "AgentIdP.Api";

    public static FeatureGraph Api { get; } = Of(typeof(Api.Platform.Problems).Assembly);

    private readonly Dictionary<(string From, string To), IReadOnlyList<string>> _edges;

    private FeatureGraph(IReadOnlyList<string> folders, Dictionary<(string, string), IReadOnlyList<string>> edges)
    {
        Folders = folders;
        _edges = edges;
    }

    public IReadOnlyList<string> Folders { get; }

    /// <summary>The folders <paramref name="from"/> uses, each with the types in <paramref name="from"/> that use it.</summary>
    public IEnumerable<(string To, IReadOnlyList<string> Types)> Uses(string from) =>
        _edges.Where(e => e.Key.From == from).Select(e => (e.Key.To, e.Value)).OrderBy(e => e.To, StringComparer.Ordinal);

    public bool HasEdge(string from, string to) => _edges.ContainsKey((from, to));

    /// <summary>"OAuth -> Tiers (OAuthEndpoints, TokenIssuer)": an arrow and the types that draw it.</summary>
    public string Describe(string from, string to) =>
        $"{from} -> {to} ({string.Join(", ", _edges[(from, to)])})";

    private static FeatureGraph Of(Assembly assembly)
    {
        var folders = assembly.GetTypes()
            .Select(t => t.Namespace)
            .OfType<string>()
            .Where(n => n.StartsWith(ApiNamespace + ".", StringComparison.Ordinal))
            .Select(n => n[(ApiNamespace.Length + 1)..].Split('.')[0])
            .Distinct()
            .Order(StringComparer.Ordinal)
            .ToList();
        var types = Types.InAssembly(assembly);
        var edges = new Dictionary<(string, string), IReadOnlyList<string>>();
        foreach (var from in folders)
        {
            foreach (var to in folders.Where(f => f != from))
            {
                var result = types.That().ResideInNamespaceMatching(NamespacePattern(from))
                    .ShouldNot().HaveDependencyOn($"{ApiNamespace}.{to}")
                    .GetResult();
                if (!result.IsSuccessful) edges[(from, to)] = ReadableNames(result.FailingTypeNames);
            }
        }
        return new FeatureGraph(folders, edges);
    }

    private static string NamespacePattern(string folder) => $@"^{ApiNamespace.Replace(".", @"\.")}\.{folder}(\..*)?$";

    /// <summary>Outer type names without namespace: a lambda's or an async method's generated class counts for the type that wrote it.</summary>
    private static List<string> ReadableNames(IEnumerable<string> fullNames) =>
        [.. fullNames
            .Select(n => n.Split('/', '+')[0])
            .Select(n => n[(n.LastIndexOf('.') + 1)..])
            .Where(n => !n.StartsWith('<'))
            .Distinct()
            .Order(StringComparer.Ordinal)];
}
