using System.Net;
using System.Text.RegularExpressions;
using AgentIdP.Api.Compliance;

namespace AgentIdP.Api.Agents;

/// <summary>
/// Checks on an agent's profile, on write: whatever is stored must make a card that passes the pinned A2A 1.0 schema
/// and a record whose OASF pairs belong to the pinned 1.0.0 taxonomy. Each failure names the field and the rule.
/// </summary>
public static partial class AgentProfileValidation
{
    public const int MaxInterfaces = 10;
    public const int MaxSkills = 50;
    public const int MaxOasfClasses = 20;
    public const int MaxModes = 20;
    public const int MaxUrlLength = 2000;

    /// <summary>The bindings A2A 1.0 names; any other matching <see cref="CustomBinding"/> is a custom binding.</summary>
    public static readonly string[] StandardBindings = ["JSONRPC", "GRPC", "HTTP+JSON"];

    public static string? Check(IAgentProfileInput p) =>
        Version(p.Version) ?? Provider(p.Provider) ?? Interfaces(p.Interfaces) ?? Skills(p.Skills)
        ?? OasfClasses("oasfSkills", p.OasfSkills, OasfTaxonomy.Pinned.Skills)
        ?? OasfClasses("oasfDomains", p.OasfDomains, OasfTaxonomy.Pinned.Domains)
        ?? Modes("defaultInputModes", p.DefaultInputModes) ?? Modes("defaultOutputModes", p.DefaultOutputModes)
        ?? (p.DocumentationUrl is null ? null : Url("documentationUrl", p.DocumentationUrl));

    private static string? Version(string? version) =>
        version is null || VersionPattern().IsMatch(version) ? null
        : "version must be 1-64 characters of letters, digits and . + _ - (for example 1.4.0), starting with a letter or digit.";

    private static string? Provider(AgentProvider? provider)
    {
        if (provider is null) return null;
        if (Text(provider.Organization, 200) is false) return "provider.organization is required (1-200 characters, no control characters).";
        return Url("provider.url", provider.Url);
    }

    private static string? Interfaces(AgentInterface[]? interfaces)
    {
        if (interfaces is null) return null;
        if (interfaces.Length > MaxInterfaces) return $"at most {MaxInterfaces} interfaces.";
        for (var i = 0; i < interfaces.Length; i++)
        {
            if (interfaces[i] is not { } item) return $"interfaces[{i}] must be an object with url and protocolBinding.";
            if (Url($"interfaces[{i}].url", item.Url) is { } error) return error;
            if (item.ProtocolBinding is null || !CustomBinding().IsMatch(item.ProtocolBinding))
            {
                return $"interfaces[{i}].protocolBinding must be {string.Join(", ", StandardBindings)} or a custom binding name (a letter, then up to 31 letters, digits and + . _ -).";
            }
        }
        var duplicate = interfaces.GroupBy(i => (i.Url, i.ProtocolBinding)).FirstOrDefault(g => g.Count() > 1);
        return duplicate is null ? null : $"interfaces lists {duplicate.Key.Url} with {duplicate.Key.ProtocolBinding} twice.";
    }

    private static string? Skills(AgentSkill[]? skills)
    {
        if (skills is null) return null;
        if (skills.Length > MaxSkills) return $"at most {MaxSkills} skills.";
        for (var i = 0; i < skills.Length; i++)
        {
            var at = $"skills[{i}]";
            if (skills[i] is not { } skill) return $"{at} must be an object with id, name, description and tags.";
            if (skill.Id is null || !SkillId().IsMatch(skill.Id)) return $"{at}.id must be 1-64 characters of letters, digits and . _ -.";
            if (Text(skill.Name, 200) is false) return $"{at}.name is required (1-200 characters, no control characters).";
            if (Text(skill.Description, 2000, allowNewlines: true) is false) return $"{at}.description is required (1-2000 characters).";
            if (skill.Tags is not { Length: > 0 and <= 20 } || skill.Tags.Any(t => Text(t, 64) is false))
            {
                return $"{at}.tags must hold 1 to 20 tags of 1-64 characters.";
            }
            if (skill.Examples is { } examples && (examples.Length > 10 || examples.Any(e => Text(e, 500, allowNewlines: true) is false)))
            {
                return $"{at}.examples may hold up to 10 examples of 1-500 characters.";
            }
        }
        var duplicate = skills.GroupBy(s => s.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        return duplicate is null ? null : $"skills has the id '{duplicate.Key}' twice; skill ids must be unique.";
    }

    private static string? OasfClasses(string field, OasfClassInput[]? classes, OasfTaxonomy.Kind kind)
    {
        if (classes is null) return null;
        if (classes.Length > MaxOasfClasses) return $"at most {MaxOasfClasses} entries in {field}.";
        var seen = new HashSet<int>();
        for (var i = 0; i < classes.Length; i++)
        {
            if (classes[i] is not { } item) return $"{field}[{i}] must be an object with an id and/or a name.";
            var (pair, error) = kind.Resolve(item.Id, item.Name?.Trim());
            if (error is not null) return $"{field}[{i}]: {error}";
            if (!seen.Add(pair!.Id)) return $"{field} lists {pair.Id} ({pair.Name}) twice.";
        }
        return null;
    }

    private static string? Modes(string field, string[]? modes)
    {
        if (modes is null) return null;
        if (modes.Length is 0 or > MaxModes) return $"{field} must hold 1 to {MaxModes} media types.";
        if (Array.FindIndex(modes, m => m is null || !MediaType().IsMatch(m)) is var bad and >= 0)
        {
            return $"{field}[{bad}] must be a media type such as text/plain or application/json.";
        }
        return modes.Distinct(StringComparer.OrdinalIgnoreCase).Count() == modes.Length ? null : $"{field} lists a media type twice.";
    }

    /// <summary>Null when <paramref name="url"/> is an absolute HTTPS URL (HTTP only on a loopback host), else the sentence saying why not.</summary>
    public static string? Url(string field, string? url)
    {
        if (string.IsNullOrEmpty(url)) return $"{field} is required.";
        if (url.Length > MaxUrlLength) return $"{field} must be at most {MaxUrlLength} characters.";
        // "/a2a" parses as an absolute file: URI on Unix, hence the scheme test rather than IsAbsoluteUri alone.
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || !(uri.Scheme == Uri.UriSchemeHttps || uri.Scheme == Uri.UriSchemeHttp && IsLoopback(uri)))
        {
            return $"{field} must be an absolute https URL (http only for localhost test deployments); got '{Shorten(url)}'.";
        }
        if (!string.IsNullOrEmpty(uri.Fragment) || uri.UserInfo.Length > 0) return $"{field} must not hold user info or a fragment.";
        return null;
    }

    public static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || uri.Host.Equals("localhost", StringComparison.OrdinalIgnoreCase)
        || IPAddress.TryParse(uri.Host.Trim('[', ']'), out var ip) && IPAddress.IsLoopback(ip);

    /// <summary>False when the text is missing, too long, or holds control characters (newlines allowed where said).</summary>
    private static bool Text(string? text, int max, bool allowNewlines = false) =>
        !string.IsNullOrWhiteSpace(text) && text.Length <= max
        && !text.Any(c => char.IsControl(c) && !(allowNewlines && c is '\n' or '\r' or '\t'));

    private static string Shorten(string s) => s.Length > 100 ? s[..100] + "…" : s;

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9.+_-]{0,63}$")]
    private static partial Regex VersionPattern();

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9+._-]{0,31}$")]
    public static partial Regex CustomBinding();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$")]
    private static partial Regex SkillId();

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9!#$&^_.+-]{0,63}/[A-Za-z0-9*][A-Za-z0-9!#$&^_.+-]{0,63}$")]
    private static partial Regex MediaType();
}
