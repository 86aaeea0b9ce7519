namespace AgentIdP.Api.Platform;

/// <summary>A page of a list: the items, where it is, and how many there are in all.</summary>
public sealed record Page<T>(IReadOnlyList<T> Items, [property: System.Text.Json.Serialization.JsonPropertyName("page")] int PageNumber, int PageSize, long Total);

public static class Paging
{
    public const int DefaultSize = 20;
    public const int MaxSize = 100;

    /// <summary>A 400 naming the bad parameter, or null when both are usable.</summary>
    public static ProblemHttpResult? Validate(int? page, int? pageSize)
    {
        if (page is < 1 or > 1_000_000) return Problems.BadRequest("page must be between 1 and 1000000.");
        if (pageSize is < 1 or > MaxSize) return Problems.BadRequest($"pageSize must be between 1 and {MaxSize}.");
        return null;
    }

    public static (int Page, int Size) Resolve(int? page, int? pageSize) => (page ?? 1, pageSize ?? DefaultSize);
}
