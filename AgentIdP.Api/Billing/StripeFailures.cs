using Stripe;

namespace AgentIdP.Api.Billing;

/// <summary>What a failed call to Stripe answers: 502 when Stripe refused it, 503 when Stripe could not be reached.</summary>
public static class StripeFailures
{
    /// <summary>Whether the exception is a call to Stripe that failed (refused, dropped or timed out), not a bug of ours.</summary>
    public static bool Is(Exception e) => e is StripeException or HttpRequestException or TaskCanceledException { InnerException: TimeoutException };

    public static ProblemHttpResult? Problem(Exception e, string unchanged) => e switch
    {
        StripeException { StripeError: { } error } => TypedResults.Problem($"Stripe refused the request: {error.Message}. {unchanged}",
            statusCode: StatusCodes.Status502BadGateway, title: "Payment provider error"),
        _ when Is(e) => TypedResults.Problem($"Stripe could not be reached. {unchanged} Try again in a moment.",
            statusCode: StatusCodes.Status503ServiceUnavailable, title: "Payment provider unreachable"),
        _ => null,
    };
}
