namespace AgentIdP.Portal.Api;

/// <summary>
/// The API no longer accepts the signed-in client's credentials (401, or the token endpoint refused the stored
/// secret). <see cref="SignIn.SessionExpiredFilter"/> turns it into a sign-out and a trip to the sign-in page.
/// </summary>
public sealed class ApiSessionExpiredException(string message) : Exception(message);
