using AgentIdP.Api.Auth;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.IdentityModel.JsonWebTokens;

namespace AgentIdP.Api.OAuth;

/// <summary>
/// The two handlers behind <see cref="ApiAuthentication.Scheme"/>: AgentIdP's own access tokens as bearer tokens
/// (checked by <see cref="TokenValidator"/>, keys and revocations from memory), and OAuth client authentication
/// (<see cref="ClientAuthenticationHandler"/>).
/// </summary>
public static class OAuthAuthentication
{
    public static WebApplicationBuilder AddOAuthAuthentication(this WebApplicationBuilder builder)
    {
        builder.Services.AddAuthentication()
            .AddJwtBearer()
            .AddScheme<AuthenticationSchemeOptions, ClientAuthenticationHandler>(ApiAuthentication.ClientScheme, null);
        builder.Services.AddOptions<JwtBearerOptions>(JwtBearerDefaults.AuthenticationScheme)
            .Configure<TokenValidator>((o, validator) =>
            {
                o.MapInboundClaims = false;
                o.TokenValidationParameters = validator.Parameters;
                o.Events = new JwtBearerEvents
                {
                    OnTokenValidated = ctx =>
                    {
                        if (!validator.IsLive(ctx.SecurityToken as JsonWebToken)) ctx.Fail("The token has been revoked.");
                        return Task.CompletedTask;
                    },
                };
            });
        return builder;
    }
}

/// <summary>A limit's refusal on an OAuth endpoint: 429 with an RFC 6749 error body, like its other errors.</summary>
internal sealed class OAuthLimitAnswer : Platform.ILimitRefusalWriter
{
    public static readonly OAuthLimitAnswer Instance = new();

    public Task WriteAsync(HttpContext context, Platform.LimitRefusal refusal) =>
        new OAuthError(OAuthError.SlowDown, refusal.Detail).ToResult(StatusCodes.Status429TooManyRequests).ExecuteAsync(context);
}
