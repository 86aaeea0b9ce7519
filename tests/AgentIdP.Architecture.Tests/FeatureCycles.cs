namespace AgentIdP.Architecture.Tests;

/// <summary>Finds the cycles between feature folders and names each one, folder by folder, with the types on every arrow.</summary>
public static class FeatureCycles
{
    /// <summary>
    /// For every arrow that lies on a cycle, the shortest cycle through it: each arrow that has to go is named at least
    /// once, and the same cycle found from several of its arrows is named once. Shortest first.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<string>> Find(FeatureGraph graph)
    {
        var cycles = new Dictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var from in graph.Folders)
        {
            foreach (var (to, _) in graph.Uses(from))
            {
                if (ShortestPath(graph, to, from) is not { } back) continue;
                var cycle = Canonical([from, .. back[..^1]]);
                cycles.TryAdd(string.Join(">", cycle), cycle);
            }
        }
        return [.. cycles.Values.OrderBy(c => c.Count).ThenBy(c => string.Join(">", c), StringComparer.Ordinal)];
    }

    /// <summary>"  OAuth -> Tiers (TokenIssuer)", one arrow of the cycle per line.</summary>
    public static string Describe(FeatureGraph graph, IReadOnlyList<string> cycle) =>
        string.Join(Environment.NewLine, cycle.Select((from, i) => "  " + graph.Describe(from, cycle[(i + 1) % cycle.Count])));

    /// <summary>Breadth-first; the folders from <paramref name="start"/> to <paramref name="goal"/>, both included.</summary>
    private static List<string>? ShortestPath(FeatureGraph graph, string start, string goal)
    {
        var cameFrom = new Dictionary<string, string>(StringComparer.Ordinal) { [start] = start };
        var queue = new Queue<string>([start]);
        while (queue.TryDequeue(out var at))
        {
            if (at == goal)
            {
                var path = new List<string> { goal };
                while (path[^1] != start) path.Add(cameFrom[path[^1]]);
                path.Reverse();
                return path;
            }
            foreach (var (to, _) in graph.Uses(at))
            {
                if (cameFrom.TryAdd(to, at)) queue.Enqueue(to);
            }
        }
        return null;
    }

    /// <summary>The cycle rotated to start at its first folder in ordinal order, so one cycle has one spelling.</summary>
    private static List<string> Canonical(List<string> cycle)
    {
        var first = cycle.IndexOf(cycle.Min(StringComparer.Ordinal)!);
        return [.. cycle[first..], .. cycle[..first]];
    }
}
