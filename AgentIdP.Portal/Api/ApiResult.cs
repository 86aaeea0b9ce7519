using System.Diagnostics.CodeAnalysis;

namespace AgentIdP.Portal.Api;

/// <summary>An API call's outcome: the value, or the problem to show instead of it.</summary>
public sealed record ApiResult<T>(T? Value, ApiProblem? Problem)
{
    [MemberNotNullWhen(true, nameof(Value))]
    [MemberNotNullWhen(false, nameof(Problem))]
    public bool Succeeded => Problem is null;

    public static ApiResult<T> Ok(T value) => new(value, null);
    public static ApiResult<T> Failed(ApiProblem problem) => new(default, problem);
}

/// <summary>The value of a call whose success has no body (204).</summary>
public sealed record NoBody
{
    public static readonly NoBody Instance = new();
}

/// <summary>The value of a call that answers a file (a CSV export): its bytes, type and suggested name.</summary>
public sealed record FileDownload(byte[] Content, string ContentType, string FileName)
{
    public static async Task<FileDownload> ReadAsync(HttpResponseMessage response, CancellationToken ct) => new(
        await response.Content.ReadAsByteArrayAsync(ct),
        response.Content.Headers.ContentType?.ToString() ?? "application/octet-stream",
        response.Content.Headers.ContentDisposition?.FileNameStar ?? response.Content.Headers.ContentDisposition?.FileName?.Trim('"') ?? "download");
}
