using System.Net.Http.Json;
using System.Text.Json.Nodes;
using GrowthKit.Contracts;
using GrowthKit.Services.Tests.Infrastructure;
using GrowthKit.Services.Tests.Refinement;
using GrowthKit.Testing.Crm;

namespace GrowthKit.Services.Tests.Integrations;

/// <summary>Pipedrive syncs and write-back against a fake of its documented API, into the real leads and refinement services.</summary>
[Collection(ServersCollection.Name)]
public sealed class PipedriveSyncTests(TestServers servers, CrmKit kit) : IClassFixture<CrmKit>, IAsyncLifetime
{
    public Task InitializeAsync() => kit.StartAsync(servers);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Organizations_persons_and_closed_deals_sync_with_cursor_paging_and_scores_go_back_into_custom_fields()
    {
        using var pipedrive = new FakePipedrive { RateLimitNext = 1 };
        for (var i = 1; i <= 620; i++) pipedrive.AddOrganization(i, $"Org {i}", industryOption: i % 2 == 0 ? 31 : 32, employees: 40 + i);
        pipedrive.AddPerson(9001, 5, "COO");
        pipedrive.AddDeal(1, 5, "won", 12000);
        pipedrive.AddDeal(2, 6, "lost", 3000, "Too expensive");
        pipedrive.AddDeal(3, 7, "open", 100);
        pipedrive.AddDeal(4, null, "won", 100);
        var tenant = Guid.NewGuid();
        var icpId = await kit.Refinement.PublishIcpAsync(tenant, SyntheticMarket.StatedJsonWithoutTiers);

        var sync = await kit.ConnectAndSyncAsync(tenant, "pipedrive", FakePipedrive.Token, pipedrive.Url);

        Assert.Equal("finished", sync["status"]!.GetValue<string>());
        Assert.Equal(620, sync["companies"]!.GetValue<int>());
        Assert.Equal(620, sync["leadsUpserted"]!.GetValue<int>());
        Assert.Equal(1, sync["contacts"]!.GetValue<int>());
        Assert.Equal(2, sync["dealsRecorded"]!.GetValue<int>());
        Assert.Equal("pipedrive:deal:4", Assert.Single(sync["errorDetails"]!.AsArray())!["record"]!.GetValue<string>());
        var lead = Assert.Single(await kit.SnapshotsAsync(tenant, "pipedrive:company:5")).Lead;
        Assert.Equal("Retail Trade", lead.Company!.Industry); // the enum option's label, normalised
        Assert.Equal(45, lead.Company.EmployeeCount);
        Assert.Equal("DE", lead.Company.Country);
        Assert.Equal("COO", lead.Contact!.Title);
        var lists = pipedrive.CallsTo("GET", "/api/v2/organizations").ToList();
        Assert.Equal(2, lists.Count); // 620 = 500 + 120
        Assert.All(lists, c => Assert.Equal("500", c.Query["limit"]));
        Assert.Single(lists, c => c.Query.ContainsKey("cursor"));

        using var refinement = kit.Refinement.Refinement(tenant);
        var report = (await refinement.GetFromJsonAsync<JsonObject>($"/api/icps/{icpId}/gap-report"))!;
        Assert.Equal(2, report["closedDeals"]!.GetValue<int>());

        // Incremental: only what changed since the cursor is asked for.
        pipedrive.AddOrganization(621, "Org 621", 31, 10);
        var again = await kit.SyncAsync(tenant, "pipedrive");
        Assert.Equal(1, again["leadsUpserted"]!.GetValue<int>());
        Assert.True(pipedrive.CallsTo("GET", "/api/v2/organizations").Last().Query.ContainsKey("updated_since"));

        // Write-back: the fields are found or created, then each organization is patched.
        pipedrive.ExhaustBudgetWithReset = 1;
        await kit.Bus.Publish(new ScoresRecorded(tenant, [new RecordedScore(RefinementKit.LeadId(tenant, "pipedrive:company:5"),
            "pipedrive:company:5", icpId, 1, 1, 77.5m, "A", null, ["industry", "size"], DateTimeOffset.UtcNow)]));
        await Eventually.Until(() => pipedrive.OrganizationFields.Any(f => f["name"]!.GetValue<string>() == "growthkit_tier")
                                     && pipedrive.Custom(5, "growthkit_tier")?.GetValue<string>() == "A", "organization 5 written back");
        Assert.Equal(77.5m, pipedrive.Custom(5, "growthkit_score")!.GetValue<decimal>());
        Assert.Equal("industry, size", pipedrive.Custom(5, "growthkit_reasons")!.GetValue<string>());
        Assert.Equal(["double", "varchar", "text"], pipedrive.CallsTo("POST", "/v1/organizationFields").Select(c => c.Body!["field_type"]!.GetValue<string>()));
    }
}
