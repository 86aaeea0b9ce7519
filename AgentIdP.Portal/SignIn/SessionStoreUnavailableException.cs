namespace AgentIdP.Portal.SignIn;

/// <summary>Redis, where sessions live, did not answer: nobody can be signed in or recognised until it does.</summary>
public sealed class SessionStoreUnavailableException(Exception inner)
    : Exception("The portal's session store (Redis) is unavailable.", inner);
