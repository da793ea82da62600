using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using GrowthKit.Testing.Crm;

namespace GrowthKit.EndToEnd.Tests;

/// <summary>A CRM connected through the gateway: its companies become scored leads and its closed deals count in the gap report.</summary>
[Collection(GrowthKitCollection.Name)]
public sealed class CrmSyncTests(GrowthKitApp system)
{
    [Fact]
    public async Task A_connected_hubspot_is_synced_into_scored_leads_and_outcomes_of_the_gap_report()
    {
        using var hubspot = new FakeHubSpot();
        for (var i = 1; i <= 20; i++) hubspot.AddCompany($"{i}", $"Company {i}", industry: i % 2 == 0 ? "LOGISTICS_AND_SUPPLY_CHAIN" : "RETAIL");
        for (var i = 1; i <= 10; i++) hubspot.AddDeal($"{100 + i}", $"{i}", closed: true, won: i % 2 == 0, amount: 500 * i, lostReason: "Timing");
        var tenant = await system.CreateTenantAsync();
        var api = tenant.Api;
        var icpId = await api.CreateIcp();
        await api.Publish(icpId);

        using (var connected = await api.PutAsJsonAsync("/api/integrations/hubspot", new { accessToken = FakeHubSpot.Token, baseUrl = hubspot.Url }))
        {
            Assert.Equal(HttpStatusCode.OK, connected.StatusCode);
        }
        using (var started = await api.PostAsync("/api/integrations/hubspot/sync", null))
        {
            Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        }
        JsonObject sync;
        var deadline = DateTimeOffset.UtcNow.AddSeconds(90);
        do
        {
            await Task.Delay(500);
            sync = (await api.GetFromJsonAsync<JsonObject>("/api/integrations/hubspot/sync"))!;
        }
        while (sync["status"]!.GetValue<string>() == "running" && DateTimeOffset.UtcNow < deadline);

        Assert.Equal("finished", sync["status"]!.GetValue<string>());
        Assert.Equal((20, 10), (sync["leadsUpserted"]!.GetValue<int>(), sync["dealsRecorded"]!.GetValue<int>()));
        var connection = await api.GetStringAsync("/api/integrations/hubspot");
        Assert.DoesNotContain(FakeHubSpot.Token, connection);

        var lead = await api.WaitForLead(GrowthKit.Model.DeterministicId.For(tenant.TenantId.ToString(), "hubspot:company:2"),
            l => l.Scores().Count == 1);
        Assert.Equal("Transportation and Warehousing", lead["lead"]!["company"]!["industry"]!.GetValue<string>());
        var report = (await api.GetFromJsonAsync<JsonObject>($"/api/icps/{icpId}/gap-report"))!;
        Assert.Equal((10, 5), (report["closedDeals"]!.GetValue<int>(), report["won"]!.GetValue<int>()));

        // The loop closes: scoring's ScoresRecorded reaches the integrations service, which writes the
        // score and tier back onto the company in the CRM.
        var score = lead.Scores()[0]!;
        var written = await WrittenBackAsync(hubspot, "2", TimeSpan.FromSeconds(90));
        Assert.Equal(score["tier"]!.GetValue<string>(), written["growthkit_tier"]);
        Assert.Equal(score["score"]!.GetValue<decimal>(), decimal.Parse(written["growthkit_score"]!, System.Globalization.CultureInfo.InvariantCulture));
    }

    private static async Task<Dictionary<string, string?>> WrittenBackAsync(FakeHubSpot hubspot, string companyId, TimeSpan within)
    {
        var deadline = DateTimeOffset.UtcNow + within;
        while (true)
        {
            try
            {
                // The fake records updates on WireMock's threads; a read that races one is tried again.
                if (hubspot.CompanyUpdates.TryGetValue(companyId, out var properties)
                    && properties.ContainsKey("growthkit_score")) return new Dictionary<string, string?>(properties);
            }
            catch (InvalidOperationException)
            {
            }
            if (DateTimeOffset.UtcNow > deadline) throw new TimeoutException($"No score was written back to company {companyId} within {within.TotalSeconds:0} s.");
            await Task.Delay(500);
        }
    }
}
