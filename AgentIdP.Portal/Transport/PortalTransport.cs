using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Options;

namespace AgentIdP.Portal.Transport;

/// <summary>
/// How the portal sits behind a TLS-terminating proxy: forwarded headers from configured proxies only
/// (<see cref="TrustedProxyOptions"/>), and HSTS outside Development.
/// </summary>
public static class PortalTransport
{
    public static WebApplicationBuilder AddPortalTransport(this WebApplicationBuilder builder)
    {
        builder.Services.AddOptions<TrustedProxyOptions>().BindConfiguration(TrustedProxyOptions.Section).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<TrustedProxyOptions>, TrustedProxyOptions.Validator>();
        builder.Services.AddOptions<ForwardedHeadersOptions>().Configure<IOptions<TrustedProxyOptions>>((o, trusted) =>
        {
            o.ForwardedHeaders = ForwardedHeaders.XForwardedFor | ForwardedHeaders.XForwardedProto;
            // The framework trusts loopback by default; only what the operator names is trusted here.
            o.KnownProxies.Clear();
            o.KnownIPNetworks.Clear();
            foreach (var proxy in trusted.Value.Proxies) o.KnownProxies.Add(proxy);
            foreach (var network in trusted.Value.Networks) o.KnownIPNetworks.Add(network);
        });
        return builder;
    }

    public static WebApplication UsePortalTransport(this WebApplication app)
    {
        // With both lists empty the middleware would believe every sender, so without configured proxies it stays out.
        if (app.Services.GetRequiredService<IOptions<TrustedProxyOptions>>().Value.Any) app.UseForwardedHeaders();
        if (!app.Environment.IsDevelopment()) app.UseHsts();
        return app;
    }
}
