using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using GrowthKit.Contracts;
using GrowthKit.Services.Tests.Infrastructure;

namespace GrowthKit.Services.Tests.Refinement;

/// <summary>A proposal the refinement service makes is announced as <see cref="ProposalCreated"/> from its event, once.</summary>
[Collection(ServersCollection.Name)]
public sealed class ProposalRelayTests(TestServers servers, RefinementKit kit) : IClassFixture<RefinementKit>, IAsyncLifetime
{
    public Task InitializeAsync() => kit.StartAsync(servers);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_proposal_is_announced_with_its_changes_evidence_and_aucs()
    {
        await using var inbox = await BusInbox<ProposalCreated>.ConnectAsync(kit.Bus);
        var tenant = Guid.NewGuid();
        var icpId = await kit.PublishIcpAsync(tenant, SyntheticMarket.StatedJsonWithoutTiers);
        var deals = SyntheticMarket.Draw(800, seed: 21);
        await kit.SendLeadsAsync(tenant, [.. deals.Select(d => (d.ExternalId, d.Lead))]);
        var api = kit.Refinement(tenant);
        foreach (var page in deals.Chunk(1000))
        {
            var sent = await api.PostAsJsonAsync("/api/deals/batch", new { deals = page.Select(SyntheticMarket.DealBody) });
            Assert.Equal(HttpStatusCode.Accepted, sent.StatusCode);
        }
        // The review after the deals arrive makes the proposal; the read only shows it.
        var list = await Eventually.Until(async () => (await api.GetFromJsonAsync<JsonObject>($"/api/icps/{icpId}/proposals"))!,
            p => p["items"]!.AsArray().Count > 0, $"a proposal for ICP {icpId}");
        var proposal = list["items"]!.AsArray().Single()!;

        var announced = Assert.Single(await inbox.WaitForAsync(m => m.TenantId == tenant, 1, "ProposalCreated"));
        var created = announced.Message;
        Assert.Equal((icpId, proposal["proposalId"]!.GetValue<Guid>(), 1), (created.IcpId, created.ProposalId, created.BaseVersion));
        Assert.Equal(proposal["currentAuc"]!.GetValue<double>(), created.CurrentAuc);
        Assert.Equal(proposal["expectedAuc"]!.GetValue<double>(), created.ExpectedAuc);
        Assert.True(JsonNode.DeepEquals(proposal["changes"], JsonNode.Parse(created.Changes.GetRawText())));
        Assert.Equal(proposal["evidence"]!["holdoutDeals"]!.GetValue<int>(), created.Evidence.GetProperty("holdoutDeals").GetInt32());

        // Reading the proposals again makes no new proposal and no second announcement.
        await api.GetFromJsonAsync<JsonObject>($"/api/icps/{icpId}/proposals");
        await Task.Delay(TimeSpan.FromSeconds(1));
        Assert.Single(inbox.Received, r => r.Message.TenantId == tenant);
    }
}
