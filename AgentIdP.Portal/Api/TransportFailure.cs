using System.Text.Json;

namespace AgentIdP.Portal.Api;

/// <summary>The exceptions that mean "the API is away or answered garbage", as opposed to a bug in the portal.</summary>
public static class TransportFailure
{
    public static bool Is(Exception e) =>
        e is HttpRequestException or TaskCanceledException or JsonException
            or Polly.Timeout.TimeoutRejectedException or Polly.CircuitBreaker.BrokenCircuitException;
}
