using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Npgsql;

namespace AgentIdP.Api.Platform;

/// <summary>
/// The last line: expected failures (bad request bodies, the database away) become typed ProblemDetails; anything
/// else is a 500 whose body says nothing about the inside.
/// </summary>
internal sealed partial class ExceptionToProblem(IProblemDetailsService problems, ILogger<ExceptionToProblem> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken ct)
    {
        var problem = exception switch
        {
            BadHttpRequestException bad => new ProblemDetails
            {
                Status = bad.StatusCode,
                Title = bad.StatusCode == StatusCodes.Status413PayloadTooLarge ? "Request body too large" : "Bad request",
                Detail = bad.InnerException is System.Text.Json.JsonException json
                    ? $"The request body is not valid JSON for this endpoint: {json.Message}"
                    : bad.Message,
            },
            NpgsqlException or TimeoutException when !context.RequestAborted.IsCancellationRequested => new ProblemDetails
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Service temporarily unavailable",
                Detail = "The database did not answer. Retry shortly.",
            },
            OperationCanceledException when context.RequestAborted.IsCancellationRequested => null,
            _ => new ProblemDetails { Status = StatusCodes.Status500InternalServerError, Title = "An unexpected error occurred" },
        };
        if (problem is null) return true; // The client went away; nobody is listening.

        // An outage answers many requests the same way: one line each, without the stack.
        if (problem.Status == StatusCodes.Status503ServiceUnavailable) LogUnavailable(logger, context.Request.Method, context.Request.Path, exception.Message);
        else if (problem.Status >= 500) LogFailure(logger, exception, context.Request.Method, context.Request.Path);
        if (problem.Status == StatusCodes.Status503ServiceUnavailable) context.Response.Headers.RetryAfter = "5";
        context.Response.StatusCode = problem.Status!.Value;
        return await problems.TryWriteAsync(new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem, Exception = exception });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Request {Method} {Path} answered 503: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string method, string path, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Request {Method} {Path} failed")]
    private static partial void LogFailure(ILogger logger, Exception exception, string method, string path);
}
