using System.Diagnostics.Metrics;
using System.Net;
using AgentIdP.Api.Platform;
using AgentIdP.TestSupport;

namespace AgentIdP.Api.Tests.Platform;

/// <summary>Public reads of ids that name nothing are answered from memory after the first miss.</summary>
public sealed class UnknownIdsTests
{
    [Fact]
    public async Task An_unknown_agents_did_card_and_record_are_404_and_after_the_first_miss_come_from_memory()
    {
        var hits = 0L;
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == UnknownIds.MeterName) l.EnableMeasurementEvents(instrument);
            },
        };
        listener.SetMeasurementEventCallback<long>((_, value, _, _) => Interlocked.Add(ref hits, value));
        listener.Start();
        await using var api = await ApiFactory.CreateAsync();
        using var http = api.CreateClient();
        var tenant = await http.CreateTenantAsync();
        var known = await http.CreateAgentAsync(await http.AdminTokenAsync(tenant));
        var unknown = Guid.NewGuid();

        var statuses = new List<HttpStatusCode>();
        foreach (var path in new[] { "did.json", ".well-known/agent-card.json", "oasf-record.json", "did.json" })
        {
            using var response = await http.GetAsync($"/tenants/{tenant.TenantId}/agents/{unknown}/{path}");
            statuses.Add(response.StatusCode);
        }
        var afterUnknown = Interlocked.Read(ref hits);
        using var knownDid = await http.GetAsync($"/tenants/{tenant.TenantId}/agents/{known.AgentId}/did.json");

        Assert.All(statuses, s => Assert.Equal(HttpStatusCode.NotFound, s));
        Assert.Equal(3, afterUnknown); // the first miss read Postgres; the three reads after it did not
        Assert.Equal(HttpStatusCode.OK, knownDid.StatusCode);
        Assert.Equal(afterUnknown, Interlocked.Read(ref hits));
    }
}
