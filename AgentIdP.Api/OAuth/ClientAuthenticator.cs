using System.Net.Http.Headers;
using System.Text;
using AgentIdP.Api.Platform;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.JsonWebTokens;
using Microsoft.IdentityModel.Tokens;
using Npgsql;

namespace AgentIdP.Api.OAuth;

/// <summary>
/// Authenticates the client of a token, introspection or revocation request: <c>client_secret_basic</c>,
/// <c>client_secret_post</c> or <c>private_key_jwt</c> (RFC 7523), exactly one of them.
/// </summary>
public sealed class ClientAuthenticator(
    ClientStore clients, ClientSecrets secrets, TokenWatermarks watermarks, NpgsqlDataSource db, TimeProvider clock, IOptions<IdentityOptions> options)
{
    public const string JwtBearerAssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";
    private static readonly TimeSpan MaxAssertionLifetime = TimeSpan.FromMinutes(10);
    private readonly JsonWebTokenHandler _handler = new() { MapInboundClaims = false };
    private readonly string _issuer = options.Value.IssuerWithoutSlash;

    public string TokenEndpoint => _issuer + OAuthEndpoints.TokenPath;

    /// <summary>The client, or the error to answer with and the client id the request named (unverified, for throttling).</summary>
    public async Task<(ClientRecord? Client, OAuthError? Error, string? NamedClientId)> AuthenticateAsync(HttpRequest request, IFormCollection form, CancellationToken ct)
    {
        var basic = request.Headers.Authorization.ToString();
        var hasBasic = basic.StartsWith("Basic ", StringComparison.OrdinalIgnoreCase);
        var hasPost = form.ContainsKey("client_secret");
        var hasAssertion = form.ContainsKey("client_assertion") || form.ContainsKey("client_assertion_type");
        var named = form.TryGetValue("client_id", out var formId) ? formId.ToString() : null;
        if ((hasBasic ? 1 : 0) + (hasPost ? 1 : 0) + (hasAssertion ? 1 : 0) > 1)
        {
            return (null, new OAuthError(OAuthError.InvalidRequest, "Use exactly one client authentication method."), named);
        }
        if (hasBasic) return await BasicAsync(basic, form, ct);
        if (hasPost) return Named(await SecretAsync(named ?? "", form["client_secret"].ToString(), ct), named);
        if (hasAssertion) return await AssertionAsync(form, ct);
        return (null, new OAuthError(OAuthError.InvalidClient,
            "Client authentication is required (client_secret_basic, client_secret_post or private_key_jwt)."), named);
    }

    private static (ClientRecord?, OAuthError?, string?) Named((ClientRecord? Client, OAuthError? Error) result, string? clientId) =>
        (result.Client, result.Error, clientId);

    private async Task<(ClientRecord?, OAuthError?, string?)> BasicAsync(string header, IFormCollection form, CancellationToken ct)
    {
        string decoded;
        try
        {
            decoded = Encoding.UTF8.GetString(Convert.FromBase64String(AuthenticationHeaderValue.Parse(header).Parameter ?? ""));
        }
        catch (FormatException)
        {
            return (null, new OAuthError(OAuthError.InvalidClient, "The Basic authorization header is malformed."), null);
        }
        var colon = decoded.IndexOf(':');
        if (colon <= 0) return (null, new OAuthError(OAuthError.InvalidClient, "The Basic authorization header is malformed."), null);
        // RFC 6749 §2.3.1: both parts are form-urlencoded before they are joined.
        var clientId = Uri.UnescapeDataString(decoded[..colon].Replace('+', ' '));
        if (form.TryGetValue("client_id", out var formId) && formId.ToString() != clientId)
        {
            return (null, new OAuthError(OAuthError.InvalidRequest, "client_id in the body does not match the Basic credentials."), clientId);
        }
        return Named(await SecretAsync(clientId, Uri.UnescapeDataString(decoded[(colon + 1)..].Replace('+', ' ')), ct), clientId);
    }

    private async Task<(ClientRecord?, OAuthError?)> SecretAsync(string clientId, string secret, CancellationToken ct)
    {
        if (clientId.Length == 0) return (null, new OAuthError(OAuthError.InvalidClient, "client_id is missing."));
        var client = await clients.FindAsync(clientId, ct);
        // The same answer for an unknown client and a wrong secret: no hint about which client ids exist.
        if (client is null || !clients.SecretMatches(client, secret, secrets))
        {
            return (null, new OAuthError(OAuthError.InvalidClient, "Client authentication failed."));
        }
        return Usable(client);
    }

    private async Task<(ClientRecord?, OAuthError?, string?)> AssertionAsync(IFormCollection form, CancellationToken ct)
    {
        var named = form.TryGetValue("client_id", out var formId) ? formId.ToString() : null;
        if (form["client_assertion_type"].ToString() != JwtBearerAssertionType)
        {
            return (null, new OAuthError(OAuthError.InvalidClient, $"client_assertion_type must be {JwtBearerAssertionType}."), named);
        }
        var assertion = form["client_assertion"].ToString();
        if (UnverifiedJwt.TryRead(assertion) is not { } unverified)
        {
            return (null, new OAuthError(OAuthError.InvalidClient, "client_assertion is missing or not a JWT."), named);
        }
        var clientId = named ?? unverified.Subject;
        var client = clientId is { Length: > 0 } ? await clients.FindAsync(clientId, ct) : null;
        if (client is null || client.Keys.Count == 0)
        {
            return (null, new OAuthError(OAuthError.InvalidClient, "Client authentication failed."), clientId);
        }

        var result = await _handler.ValidateTokenAsync(assertion, new TokenValidationParameters
        {
            ValidIssuer = client.ClientId,
            ValidAudiences = [_issuer, TokenEndpoint],
            IssuerSigningKeys = client.Keys,
            RequireExpirationTime = true,
            RequireSignedTokens = true,
            ClockSkew = TimeSpan.FromSeconds(30),
            LifetimeValidator = (_, expires, _, _) =>
                expires is { } exp && exp > clock.GetUtcNow().UtcDateTime && exp - clock.GetUtcNow().UtcDateTime <= MaxAssertionLifetime,
        });
        if (!result.IsValid || unverified.Subject != client.ClientId || string.IsNullOrEmpty(unverified.Id))
        {
            return (null, new OAuthError(OAuthError.InvalidClient,
                "The client assertion is invalid: it must be signed with a registered key, iss and sub must be the client id, aud this issuer or its token endpoint, with jti and an exp at most 10 minutes ahead."), clientId);
        }
        if (!await RecordAssertionAsync(client.ClientId, unverified.Id, unverified.ValidTo, ct))
        {
            return (null, new OAuthError(OAuthError.InvalidClient, "The client assertion was already used (jti replay)."), clientId);
        }
        var (usable, error) = Usable(client);
        return (usable, error, clientId);
    }

    /// <summary>False when this jti was seen before for this client.</summary>
    private async Task<bool> RecordAssertionAsync(string clientId, string jti, DateTime expires, CancellationToken ct)
    {
        await using var cmd = db.CreateCommand("""
            INSERT INTO used_client_assertions (client_id, jti, expires_at) VALUES (@client, @jti, @exp) ON CONFLICT DO NOTHING
            """);
        cmd.Parameters.AddWithValue("client", clientId);
        cmd.Parameters.AddWithValue("jti", jti.Length > 200 ? jti[..200] : jti);
        cmd.Parameters.AddWithValue("exp", new DateTimeOffset(expires, TimeSpan.Zero));
        return await cmd.ExecuteNonQueryAsync(ct) == 1;
    }

    private (ClientRecord?, OAuthError?) Usable(ClientRecord client) =>
        !client.Active ? (null, new OAuthError(OAuthError.InvalidClient, "The client is disabled."))
        : client.TenantId is { } tenant && watermarks.IsSuspended(tenant) ? (null, new OAuthError(OAuthError.InvalidClient, "The client's tenant is suspended."))
        : (client, null);
}
