namespace AgentIdP.Architecture.Tests;

/// <summary>Finds the cycles between feature folders and names each one, folder by folder, with the types on every arrow.</summary>
public static class FeatureCycles
{
    /// <summary>One shortest cycle through each folder that lies on a cycle, without repeating a cycle already named.</summary>
    public static IReadOnlyList<IReadOnlyList<string>> Find(FeatureGraph graph)
    {
        var cycles = new List<IReadOnlyList<string>>();
        var named = new HashSet<string>(StringComparer.Ordinal);
        foreach (var start in graph.Folders)
        {
            if (ShortestCycle(graph, start) is not { } cycle) continue;
            // The same cycle found from another of its folders is rotated; sorting its folders gives one key for it.
            if (named.Add(string.Join(",", cycle.Order(StringComparer.Ordinal)))) cycles.Add(cycle);
        }
        return cycles;
    }

    /// <summary>"OAuth -> Tiers (TokenIssuer) -> OAuth (TierLimiter)", one arrow per line.</summary>
    public static string Describe(FeatureGraph graph, IReadOnlyList<string> cycle) =>
        string.Join(Environment.NewLine, cycle.Select((from, i) => "  " + graph.Describe(from, cycle[(i + 1) % cycle.Count])));

    /// <summary>Breadth-first from <paramref name="start"/> back to itself; returns the folders in order, <paramref name="start"/> first.</summary>
    private static List<string>? ShortestCycle(FeatureGraph graph, string start)
    {
        var cameFrom = new Dictionary<string, string>(StringComparer.Ordinal);
        var queue = new Queue<string>([start]);
        while (queue.TryDequeue(out var at))
        {
            foreach (var (to, _) in graph.Uses(at))
            {
                if (to == start)
                {
                    var path = new List<string> { at };
                    while (path[^1] != start) path.Add(cameFrom[path[^1]]);
                    path.Reverse();
                    return path;
                }
                if (cameFrom.TryAdd(to, at)) queue.Enqueue(to);
            }
        }
        return null;
    }
}
