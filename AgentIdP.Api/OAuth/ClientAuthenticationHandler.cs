using System.Security.Claims;
using System.Text.Encodings.Web;
using AgentIdP.Api.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace AgentIdP.Api.OAuth;

/// <summary>
/// Client authentication on the token, introspection and revocation endpoints, as an ASP.NET Core authentication
/// scheme (<see cref="ApiAuthentication.ClientScheme"/>), so everything after authentication (tier limits above all)
/// sees an authenticated client or a failure, never a client id the request merely names. The endpoints read the
/// result again (the handler caches it) to answer a failure with its RFC 6749 error.
/// </summary>
public sealed class ClientAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> options, ILoggerFactory logger, UrlEncoder encoder, ClientAuthenticator authenticator)
    : AuthenticationHandler<AuthenticationSchemeOptions>(options, logger, encoder)
{
    private const string ClientParameter = "client";

    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        var (form, formError) = await OAuthForm.ReadAsync(Context);
        if (form is null) return Failed(formError!, null);
        var (client, error, named) = await authenticator.AuthenticateAsync(Request, form, Context.RequestAborted);
        if (client is null) return Failed(error!, named);

        var identity = new ClaimsIdentity(ApiAuthentication.ClientScheme, Claims.ClientId, null);
        identity.AddClaim(new Claim(Claims.ClientId, client.ClientId));
        if (client.TenantId is { } tenant) identity.AddClaim(new Claim(Claims.TenantId, tenant.ToString()));
        if (client.AgentId is { } agent) identity.AddClaim(new Claim(Claims.AgentId, agent.ToString()));
        var properties = new AuthenticationProperties();
        properties.SetParameter(ClientParameter, client);
        return AuthenticateResult.Success(new AuthenticationTicket(new ClaimsPrincipal(identity), properties, Scheme.Name));
    }

    private static AuthenticateResult Failed(OAuthError error, string? namedClientId)
    {
        var properties = new AuthenticationProperties();
        if (namedClientId is { Length: > 0 }) properties.Items[ApiAuthentication.NamedClientIdItem] = namedClientId;
        return AuthenticateResult.Fail(new ClientAuthenticationFailure(error), properties);
    }

    /// <summary>The authenticated client of this request, or the RFC 6749 answer to its failure.</summary>
    public static async Task<(ClientRecord? Client, IFormCollection Form, IResult? Failure)> ClientOfAsync(HttpContext context)
    {
        var result = await context.AuthenticateAsync(ApiAuthentication.ClientScheme);
        if (result.Succeeded && result.Properties.GetParameter<ClientRecord>(ClientParameter) is { } client)
        {
            return (client, await context.Request.ReadFormAsync(context.RequestAborted), null);
        }
        var error = (result.Failure as ClientAuthenticationFailure)?.Error
            ?? new OAuthError(OAuthError.InvalidClient, "Client authentication failed.");
        return (null, FormCollection.Empty, error.ToResult());
    }

    /// <summary>Carries the RFC 6749 error of a failed client authentication to the endpoint.</summary>
    private sealed class ClientAuthenticationFailure(OAuthError error) : Exception(error.ErrorDescription)
    {
        public OAuthError Error { get; } = error;
    }
}

/// <summary>Reads an OAuth endpoint's form body; a body that is not a form is an RFC 6749 invalid_request.</summary>
internal static class OAuthForm
{
    public static async Task<(IFormCollection?, OAuthError?)> ReadAsync(HttpContext context)
    {
        if (!context.Request.HasFormContentType)
        {
            return (null, new OAuthError(OAuthError.InvalidRequest, "The request body must be application/x-www-form-urlencoded."));
        }
        try
        {
            return (await context.Request.ReadFormAsync(context.RequestAborted), null);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or BadHttpRequestException)
        {
            return (null, new OAuthError(OAuthError.InvalidRequest, "The form body could not be read."));
        }
    }
}
