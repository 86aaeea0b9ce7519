using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace AgentIdP.InteropKit.Target;

/// <summary>One HTTP exchange with the target, kept whole (headers, body) so checks and reports can describe it.</summary>
public sealed class Answer(HttpMethod method, Uri url, HttpStatusCode status, IReadOnlyDictionary<string, string> headers, string body)
{
    public HttpMethod Method => method;
    public Uri Url => url;
    public int Status => (int)status;
    public string Body => body;

    public string? Header(string name) => headers.TryGetValue(name, out var value) ? value : null;

    public string MediaType => Header("Content-Type")?.Split(';')[0].Trim().ToLowerInvariant() ?? "";

    /// <summary>"GET /path answered 404" plus the start of the body, for failure messages.</summary>
    public string Describe()
    {
        var snippet = body.Length == 0 ? "" : $": {(body.Length > 200 ? body[..200] + "…" : body)}";
        return $"{method} {url.PathAndQuery} answered {Status}{snippet.ReplaceLineEndings(" ")}";
    }

    public Answer ExpectStatus(int expected)
    {
        Check.That(Status == expected, $"expected {expected}, but {Describe()}");
        return this;
    }

    public JsonNode? JsonOrNull()
    {
        try
        {
            return JsonNode.Parse(body);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public JsonObject JsonObject() =>
        JsonOrNull() as JsonObject ?? throw Check.Fail($"{method} {url.PathAndQuery} answered {Status} without a JSON object body");
}
