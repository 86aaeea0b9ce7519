using System.Net;
using System.Text.RegularExpressions;

namespace AgentIdP.Api.Compliance;

/// <summary>A rule a profile breaks: the field's path (<c>interfaces[0].url</c>) and a sentence that names it and the rule.</summary>
public readonly record struct ProfileError(string Path, string Message);

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

    /// <summary>Every rule the profile breaks, field by field; none when it can be stored.</summary>
    public static IEnumerable<ProfileError> Check(AgentProfile p) =>
        Version(p.Version).Concat(Provider(p.Provider)).Concat(Interfaces(p.Interfaces)).Concat(Skills(p.Skills))
            .Concat(OasfClasses("oasfSkills", p.OasfSkills, OasfTaxonomy.Pinned.Skills))
            .Concat(OasfClasses("oasfDomains", p.OasfDomains, OasfTaxonomy.Pinned.Domains))
            .Concat(Modes("defaultInputModes", p.DefaultInputModes)).Concat(Modes("defaultOutputModes", p.DefaultOutputModes))
            .Concat(Optional("documentationUrl", p.DocumentationUrl is null ? null : Url("documentationUrl", p.DocumentationUrl)));

    private static IEnumerable<ProfileError> Optional(string path, string? message) =>
        message is null ? [] : [new ProfileError(path, message)];

    private static IEnumerable<ProfileError> Version(string? version) =>
        Optional("version", version is null || VersionPattern().IsMatch(version) ? null
            : "version must be 1-64 characters of letters, digits and . + _ - (for example 1.4.0), starting with a letter or digit.");

    private static IEnumerable<ProfileError> Provider(AgentProvider? provider)
    {
        if (provider is null) yield break;
        if (Text(provider.Organization, 200) is false)
        {
            yield return new("provider.organization", "provider.organization is required (1-200 characters, no control characters).");
        }
        if (Url("provider.url", provider.Url) is { } error) yield return new("provider.url", error);
    }

    private static IEnumerable<ProfileError> Interfaces(AgentInterface[] interfaces)
    {
        if (interfaces.Length > MaxInterfaces)
        {
            yield return new("interfaces", $"at most {MaxInterfaces} interfaces.");
            yield break;
        }
        for (var i = 0; i < interfaces.Length; i++)
        {
            var at = $"interfaces[{i}]";
            if (interfaces[i] is not { } item)
            {
                yield return new(at, $"{at} must be an object with url and protocolBinding.");
                continue;
            }
            if (Url($"{at}.url", item.Url) is { } error) yield return new($"{at}.url", error);
            if (item.ProtocolBinding is null || !CustomBinding().IsMatch(item.ProtocolBinding))
            {
                yield return new($"{at}.protocolBinding",
                    $"{at}.protocolBinding must be {string.Join(", ", StandardBindings)} or a custom binding name (a letter, then up to 31 letters, digits and + . _ -).");
            }
        }
        var duplicate = interfaces.OfType<AgentInterface>().GroupBy(i => (i.Url, i.ProtocolBinding)).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) yield return new("interfaces", $"interfaces lists {duplicate.Key.Url} with {duplicate.Key.ProtocolBinding} twice.");
    }

    private static IEnumerable<ProfileError> Skills(AgentSkill[] skills)
    {
        if (skills.Length > MaxSkills)
        {
            yield return new("skills", $"at most {MaxSkills} skills.");
            yield break;
        }
        for (var i = 0; i < skills.Length; i++)
        {
            var at = $"skills[{i}]";
            if (skills[i] is not { } skill)
            {
                yield return new(at, $"{at} must be an object with id, name, description and tags.");
                continue;
            }
            if (skill.Id is null || !SkillId().IsMatch(skill.Id)) yield return new($"{at}.id", $"{at}.id must be 1-64 characters of letters, digits and . _ -.");
            if (Text(skill.Name, 200) is false) yield return new($"{at}.name", $"{at}.name is required (1-200 characters, no control characters).");
            if (Text(skill.Description, 2000, allowNewlines: true) is false) yield return new($"{at}.description", $"{at}.description is required (1-2000 characters).");
            if (skill.Tags is not { Length: > 0 and <= 20 } || skill.Tags.Any(t => Text(t, 64) is false))
            {
                yield return new($"{at}.tags", $"{at}.tags must hold 1 to 20 tags of 1-64 characters.");
            }
            if (skill.Examples is { } examples && (examples.Length > 10 || examples.Any(e => Text(e, 500, allowNewlines: true) is false)))
            {
                yield return new($"{at}.examples", $"{at}.examples may hold up to 10 examples of 1-500 characters.");
            }
        }
        var duplicate = skills.OfType<AgentSkill>().Where(s => s.Id is not null).GroupBy(s => s.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null) yield return new("skills", $"skills has the id '{duplicate.Key}' twice; skill ids must be unique.");
    }

    private static IEnumerable<ProfileError> OasfClasses(string field, OasfClassRef[] classes, OasfTaxonomy.Kind kind)
    {
        if (classes.Length > MaxOasfClasses)
        {
            yield return new(field, $"at most {MaxOasfClasses} entries in {field}.");
            yield break;
        }
        var seen = new HashSet<int>();
        for (var i = 0; i < classes.Length; i++)
        {
            var at = $"{field}[{i}]";
            if (classes[i] is not { } item)
            {
                yield return new(at, $"{at} must be an object with an id and/or a name.");
                continue;
            }
            var (pair, error) = kind.Resolve(item.Id, item.Name?.Trim());
            if (error is not null) yield return new(at, $"{at}: {error}");
            else if (!seen.Add(pair!.Id)) yield return new(field, $"{field} lists {pair.Id} ({pair.Name}) twice.");
        }
    }

    private static IEnumerable<ProfileError> Modes(string field, string[] modes)
    {
        if (modes.Length is 0 or > MaxModes)
        {
            yield return new(field, $"{field} must hold 1 to {MaxModes} media types.");
            yield break;
        }
        if (Array.FindIndex(modes, m => m is null || !MediaType().IsMatch(m)) is var bad and >= 0)
        {
            yield return new($"{field}[{bad}]", $"{field}[{bad}] must be a media type such as text/plain or application/json.");
        }
        else if (modes.Distinct(StringComparer.OrdinalIgnoreCase).Count() != modes.Length)
        {
            yield return new(field, $"{field} lists a media type twice.");
        }
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
