using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace AgentIdP.Portal.SignIn;

/// <summary>
/// Sign-in with tenant-admin client credentials, exchanged at once for an access token held in a server-side session
/// (<see cref="SessionStore"/>); the cookie carries only the session id. Every page but the public ones needs it.
/// </summary>
public static class PortalSignIn
{
    public const string Scheme = CookieAuthenticationDefaults.AuthenticationScheme;
    public const string CookieName = "agentidp.portal";

    /// <summary>Pages anyone may see.</summary>
    public static readonly string[] PublicPages = [PortalRoutes.Pages.Home, PortalRoutes.Pages.Error, PortalRoutes.Pages.SignIn];

    public static WebApplicationBuilder AddPortalSignIn(this WebApplicationBuilder builder)
    {
        builder.Services.AddHealthChecks().AddCheck<SessionStoreHealthCheck>("sessions", HealthStatus.Degraded);

        builder.Services.AddOptions<PortalSessionOptions>().BindConfiguration(PortalSessionOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<PortalSessionOptions>, PortalSessionOptions.Validator>();
        builder.Services.AddHttpContextAccessor();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<SessionStore>();
        builder.Services.AddScoped<SessionCookieEvents>();
        builder.Services.AddHttpClient<TokenEndpoint>(c => c.BaseAddress = ApiClientExtensions.ApiBaseAddress);

        var development = builder.Environment.IsDevelopment();
        builder.Services.AddAuthentication(Scheme).AddCookie(Scheme, o =>
        {
            o.Cookie.Name = CookieName;
            o.Cookie.HttpOnly = true;
            o.Cookie.SameSite = SameSiteMode.Lax;
            // Behind a TLS-terminating proxy the request may look like http; the cookie must never go out in clear.
            o.Cookie.SecurePolicy = development ? CookieSecurePolicy.SameAsRequest : CookieSecurePolicy.Always;
            // The session in Redis decides how long a sign-in lasts; the cookie is only a pointer and is never renewed.
            o.SlidingExpiration = false;
            o.EventsType = typeof(SessionCookieEvents);
            o.LoginPath = PortalRoutes.SignIn;
            o.LogoutPath = PortalRoutes.SignOut;
            o.AccessDeniedPath = PortalRoutes.SignIn;
            o.ReturnUrlParameter = PortalRoutes.ReturnUrlParameter;
        });
        builder.Services.AddOptions<CookieAuthenticationOptions>(Scheme)
            .Configure<IOptions<PortalSessionOptions>>((o, sessions) => o.ExpireTimeSpan = sessions.Value.AbsoluteLifetime);
        builder.Services.AddAuthorization();
        return builder;
    }

    public static WebApplication UsePortalSignIn(this WebApplication app)
    {
        app.UseAuthentication();
        app.UseAuthorization();
        return app;
    }
}

/// <summary>Redis away leaves the portal up (it says why nobody can sign in) but not healthy.</summary>
internal sealed class SessionStoreHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken ct = default)
    {
        try
        {
            var latency = await redis.GetDatabase().PingAsync().WaitAsync(TimeSpan.FromSeconds(1), ct);
            return HealthCheckResult.Healthy($"PING {latency.TotalMilliseconds:0.0} ms");
        }
        catch (Exception e) when (PortalRedis.IsUnavailable(e))
        {
            return new HealthCheckResult(context.Registration.FailureStatus, e.Message);
        }
    }
}
