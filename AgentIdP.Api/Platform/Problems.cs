namespace AgentIdP.Api.Platform;

/// <summary>The ProblemDetails answers resource endpoints give for expected failures.</summary>
public static class Problems
{
    public static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status400BadRequest, title: "The request is not valid");

    /// <summary>
    /// 400 ValidationProblem (RFC 9457): the problems by field path in <c>errors</c>, and all of them in <c>detail</c> too,
    /// for clients that show only the detail.
    /// </summary>
    public static ValidationProblem Invalid(IReadOnlyDictionary<string, string[]> errors) =>
        TypedResults.ValidationProblem(errors, detail: string.Join(" ", errors.Values.SelectMany(m => m)), title: "The request is not valid");

    public static ProblemHttpResult NotFound(string what) =>
        TypedResults.Problem($"No {what} with this id exists in your tenant.", statusCode: StatusCodes.Status404NotFound, title: "Not found");

    public static ProblemHttpResult Conflict(string detail) =>
        TypedResults.Problem(detail, statusCode: StatusCodes.Status409Conflict, title: "Conflict");
}
