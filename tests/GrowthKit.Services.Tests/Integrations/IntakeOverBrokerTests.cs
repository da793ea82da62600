using System.Text.Json;
using GrowthKit.Contracts;
using GrowthKit.Services.Tests.Infrastructure;
using GrowthKit.Services.Tests.Refinement;
using MassTransit;

namespace GrowthKit.Services.Tests.Integrations;

/// <summary>
/// <see cref="ReceiveLeads"/> and <see cref="RecordDeals"/> over the real broker: the leads and refinement
/// services answer per item, exactly as their batch APIs would, and a request sent again changes nothing.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class IntakeOverBrokerTests(TestServers servers, CrmKit kit) : IClassFixture<CrmKit>, IAsyncLifetime
{
    public Task InitializeAsync() => kit.StartAsync(servers);

    public Task DisposeAsync() => Task.CompletedTask;

    private static JsonElement Lead(string externalId, object? company = null) =>
        JsonSerializer.SerializeToElement(new { externalId, company = company ?? new { name = externalId, industry = "logistics", employeeCount = 80 } });

    private async Task<LeadsTaken> ReceiveAsync(Guid tenant, Guid requestId, IReadOnlyList<JsonElement> leads)
    {
        var client = kit.Bus.CreateRequestClient<ReceiveLeads>(RequestTimeout.After(s: 60));
        return (await client.GetResponse<LeadsTaken>(new ReceiveLeads(tenant, requestId, "test", "alice", leads))).Message;
    }

    [Fact]
    public async Task Leads_are_taken_or_refused_by_index_and_a_repeated_request_records_nothing_more()
    {
        var tenant = Guid.NewGuid();
        var requestId = Guid.NewGuid();
        JsonElement[] leads =
        [
            Lead("crm-1"),
            Lead("crm-2", new { industry = "retail" }), // no name
            Lead("crm-3", new { name = "Three", employeeCount = "many" }),
            JsonSerializer.SerializeToElement("not a lead"),
            Lead(" crm-4 "),
        ];

        var answer = await ReceiveAsync(tenant, requestId, leads);

        Assert.Equal(requestId, answer.RequestId);
        Assert.Equal([0, 4], answer.Accepted.Select(a => a.Index));
        Assert.Equal("crm-4", answer.Accepted[1].ExternalId); // normalised as the API normalises
        Assert.Equal(RefinementKit.LeadId(tenant, "crm-1"), answer.Accepted[0].LeadId);
        Assert.Equal([1, 2, 3], answer.Rejected.Select(r => r.Index));
        Assert.Contains("company.name", answer.Rejected[0].Errors.Keys);
        Assert.Contains("company.employeeCount", answer.Rejected[1].Errors.Keys);
        Assert.Equal("Transportation and Warehousing", Assert.Single(await kit.SnapshotsAsync(tenant, "crm-1")).Lead.Company!.Industry);

        var again = await ReceiveAsync(tenant, requestId, leads);
        Assert.Equal(answer.Accepted, again.Accepted);
        Assert.Equal(2, await kit.LeadSnapshotsAsync(tenant));
    }

    [Fact]
    public async Task A_request_of_more_than_1000_leads_is_refused_item_by_item_and_records_nothing()
    {
        var tenant = Guid.NewGuid();

        var answer = await ReceiveAsync(tenant, Guid.NewGuid(), [.. Enumerable.Range(0, 1001).Select(i => Lead($"big-{i}"))]);

        Assert.Empty(answer.Accepted);
        Assert.Equal(1001, answer.Rejected.Count);
        Assert.Equal(0, await kit.LeadSnapshotsAsync(tenant));
    }

    [Fact]
    public async Task Deals_are_recorded_for_known_leads_refused_for_unknown_ones_and_a_repeat_records_nothing()
    {
        var tenant = Guid.NewGuid();
        await ReceiveAsync(tenant, Guid.NewGuid(), [Lead("acct-1"), Lead("acct-2")]);
        var deals = kit.Bus.CreateRequestClient<RecordDeals>(RequestTimeout.After(s: 60));
        JsonElement[] items =
        [
            JsonSerializer.SerializeToElement(new { dealId = "d-1", externalId = "acct-1", outcome = "won", amount = 1200, closedAt = "2026-01-02T00:00:00Z" }),
            JsonSerializer.SerializeToElement(new { dealId = "d-2", externalId = "acct-2", outcome = "maybe" }),
            JsonSerializer.SerializeToElement(new { dealId = "d-3", externalId = "nobody", outcome = "lost" }),
        ];

        // Refinement hears of the leads a message after the leads service took them.
        var answer = await Eventually.Until(async () => (await deals.GetResponse<DealsTaken>(new RecordDeals(tenant, Guid.NewGuid(), "test", "alice", items))).Message,
            a => a.Accepted.Count == 1, "the deal of acct-1 to be recorded");

        Assert.Equal("d-1", answer.Accepted[0].DealId);
        Assert.Equal([1, 2], answer.Rejected.Select(r => r.Index));
        Assert.Contains("outcome", answer.Rejected[0].Errors.Keys);
        Assert.Contains("externalId", answer.Rejected[1].Errors.Keys);

        var icpId = await kit.Refinement.PublishIcpAsync(tenant, SyntheticMarket.StatedJsonWithoutTiers);
        using var refinement = kit.Refinement.Refinement(tenant);
        var report = await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>(refinement, $"/api/icps/{icpId}/gap-report");
        Assert.Equal(1, report!["closedDeals"]!.GetValue<int>());
    }
}
