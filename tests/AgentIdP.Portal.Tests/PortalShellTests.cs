using System.Net;
using System.Net.Http.Headers;
using System.Text.RegularExpressions;

namespace AgentIdP.Portal.Tests;

[Collection(PortalCollection.Name)]
public sealed partial class PortalShellTests(PortalFixture fixture)
{
    [Fact]
    public async Task The_home_page_shows_api_health_without_signing_in()
    {
        using var client = fixture.PortalClient();

        using var response = await client.GetAsync(PortalRoutes.Home);
        var html = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("data-status=\"Healthy\"", html);
    }

    [Fact]
    public async Task The_stylesheet_the_layout_links_is_served_with_its_rules()
    {
        using var client = new HttpClient(new HttpClientHandler { AutomaticDecompression = DecompressionMethods.All }) { BaseAddress = fixture.PortalUrl };
        var html = await client.GetStringAsync(PortalRoutes.SignIn);
        var href = StylesheetLink().Match(html).Groups["href"].Value;

        using var request = new HttpRequestMessage(HttpMethod.Get, href);
        request.Headers.AcceptEncoding.Add(new StringWithQualityHeaderValue("gzip"));
        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains(".one-time-secret", await response.Content.ReadAsStringAsync());
    }

    [GeneratedRegex("<link rel=\"stylesheet\" href=\"(?<href>[^\"]+)\"")]
    private static partial Regex StylesheetLink();
}
