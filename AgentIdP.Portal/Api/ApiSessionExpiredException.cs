namespace AgentIdP.Portal.Api;

/// <summary>
/// The API no longer accepts the session's access token (it answered 401), or there is no session to call it for. A
/// refused renewal never gets here: the cookie handler ends that session. <see cref="SignIn.SessionExpiredFilter"/>
/// turns it into a sign-out and a trip to the sign-in page.
/// </summary>
public sealed class ApiSessionExpiredException(string message) : Exception(message);
