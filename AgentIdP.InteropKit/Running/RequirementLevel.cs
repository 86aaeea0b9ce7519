namespace AgentIdP.InteropKit.Running;

/// <summary>RFC 2119 levels, as the scenario tags <c>@MUST</c>, <c>@SHOULD</c> and <c>@MAY</c> carry them.</summary>
public enum RequirementLevel
{
    Must,
    Should,
    May,
}

public static class RequirementLevels
{
    public static readonly RequirementLevel[] All = [RequirementLevel.Must, RequirementLevel.Should, RequirementLevel.May];

    public static string Tag(this RequirementLevel level) => level.ToString().ToUpperInvariant();

    public static RequirementLevel? FromTags(IEnumerable<string> tags) =>
        All.Cast<RequirementLevel?>().FirstOrDefault(l => tags.Contains(l!.Value.Tag(), StringComparer.Ordinal));

    public static bool TryParse(string? text, out RequirementLevel level) =>
        Enum.TryParse(text, ignoreCase: true, out level) && Enum.IsDefined(level) && !text.Any(char.IsDigit);
}
