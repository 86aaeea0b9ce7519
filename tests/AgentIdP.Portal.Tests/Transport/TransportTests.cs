namespace AgentIdP.Portal.Tests.Transport;

/// <summary>Behind a TLS-terminating proxy: forwarded headers believed from configured proxies only, and HSTS.</summary>
[Collection(PortalCollection.Name)]
public sealed class TransportTests(PortalFixture fixture)
{
    private const string Hsts = "Strict-Transport-Security";

    [Fact]
    public async Task A_client_claiming_https_through_forwarded_headers_is_not_believed_when_no_proxy_is_configured()
    {
        using var client = fixture.PortalClient();

        using var response = await client.SendAsync(ForwardedHttps());

        Assert.False(response.Headers.Contains(Hsts));
    }

    [Fact]
    public async Task A_configured_proxy_forwarding_https_makes_the_request_https_and_the_answer_carries_hsts()
    {
        await using var portal = fixture.StartPortal(new() { ["ForwardedHeaders:KnownProxies:0"] = "127.0.0.1" });
        using var client = fixture.PortalClient(ServerAddress.Of(portal.Services));

        using var response = await client.SendAsync(ForwardedHttps());

        Assert.True(response.Headers.Contains(Hsts), "HSTS is sent on HTTPS requests outside Development.");
        Assert.Contains("max-age=", response.Headers.GetValues(Hsts).Single());
    }

    [Fact]
    public async Task A_trusted_network_that_is_not_a_cidr_range_stops_the_portal_at_startup()
    {
        await using var portal = fixture.NewPortal(new() { ["ForwardedHeaders:KnownNetworks:0"] = "10.0.0.0/33" });

        var e = Assert.ThrowsAny<Exception>(() => portal.Services);

        Assert.Contains("ForwardedHeaders:KnownNetworks:0", e.ToString());
    }

    private static HttpRequestMessage ForwardedHttps()
    {
        // HSTS is never sent to localhost names; a proxy forwards the public host name.
        var request = new HttpRequestMessage(HttpMethod.Get, PortalRoutes.Home);
        request.Headers.Host = "portal.example";
        request.Headers.Add("X-Forwarded-Proto", "https");
        request.Headers.Add("X-Forwarded-For", "203.0.113.7");
        return request;
    }
}
