using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using GrowthKit.Services.Tests.Infrastructure;
using static GrowthKit.Services.Tests.Scoring.ScoringKit;

namespace GrowthKit.Services.Tests.Scoring;

/// <summary>POST /api/leads/{leadId}/rescore reproduces recorded scores from the event store.</summary>
[Collection(ServersCollection.Name)]
public sealed class RescoreLeadTests(TestServers servers, ScoringService scoring)
    : IClassFixture<ScoringService>, IAsyncLifetime
{
    public Task InitializeAsync() => scoring.StartAsync(servers);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Every_recorded_score_is_reproduced_bit_for_bit()
    {
        var tenant = Guid.NewGuid();
        var icpId = Guid.CreateVersion7();
        var leads = ManyLeads(tenant, Expected.Length * 2);
        await scoring.PushAsync(tenant, leads);
        await scoring.PublishAndWaitAsync(Published(tenant, icpId, 1));
        await scoring.WaitForRescoringAsync(tenant, icpId, 1);
        await scoring.PublishAndWaitAsync(Published(tenant, icpId, 2, Samples.ChangedDefinition()));
        await scoring.WaitForRescoringAsync(tenant, icpId, 2);
        // A second snapshot of one lead, scored on arrival against v2.
        var changed = Received(tenant, Variant("crm-0", 3), snapshot: 2);
        await scoring.PublishAndWaitAsync(Batch(tenant, changed));

        using var client = scoring.ClientFor(tenant);
        var reproduced = 0;
        foreach (var lead in leads)
        {
            foreach (var recorded in await scoring.ScoresAsync(tenant, lead.LeadId))
            {
                var body = await RescoreAsync(client, lead.LeadId, new
                {
                    icpId, icpVersion = recorded["icpVersion"]!.GetValue<int>(), snapshot = recorded["snapshot"]!.GetValue<int>(),
                });
                Assert.True(body["matchesRecorded"]!.GetValue<bool>(), $"{lead.ExternalId}: {body.ToJsonString()}");
                var score = body["score"]!.AsObject();
                Assert.Equal(recorded["inputHash"]!.GetValue<string>(), score["inputHash"]!.GetValue<string>());
                Assert.Equal(recorded["score"]!.GetValue<decimal>(), score["score"]!.GetValue<decimal>());
                reproduced++;
            }
        }
        Assert.Equal(leads.Count * 2 + 1, reproduced);

        // Without a snapshot: the latest snapshot scored against that version (v2 weighs pain 12: 100 × 70 / 112).
        var latest = await RescoreAsync(client, changed.LeadId, new { icpId, icpVersion = 2 });
        Assert.Equal((2, 62.5m), (latest["score"]!["snapshot"]!.GetValue<int>(), latest["score"]!["score"]!.GetValue<decimal>()));
        Assert.True(latest["matchesRecorded"]!.GetValue<bool>());
        var onlyFirst = await RescoreAsync(client, changed.LeadId, new { icpId, icpVersion = 1 });
        Assert.Equal(1, onlyFirst["score"]!["snapshot"]!.GetValue<int>());
    }

    [Fact]
    public async Task Unknown_leads_versions_snapshots_and_unscored_pairs_answer_404()
    {
        var tenant = Guid.NewGuid();
        var icpId = Guid.CreateVersion7();
        var lead = Received(tenant, Variant("crm-404", 2));
        await scoring.PushAsync(tenant, [lead]);
        await scoring.PublishAndWaitAsync(Published(tenant, icpId, 1));
        await scoring.WaitForRescoringAsync(tenant, icpId, 1);
        using var client = scoring.ClientFor(tenant);

        Assert.Equal(HttpStatusCode.OK, await StatusAsync(client, lead.LeadId, new { icpId, icpVersion = 1, snapshot = 1 }));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(client, lead.LeadId, new { icpId, icpVersion = 1, snapshot = 2 }));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(client, lead.LeadId, new { icpId, icpVersion = 2 }));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(client, lead.LeadId, new { icpId = Guid.NewGuid(), icpVersion = 1 }));
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(client, Guid.NewGuid(), new { icpId, icpVersion = 1 }));
        // Another tenant's lead is unknown here.
        using var other = scoring.ClientFor(Guid.NewGuid());
        Assert.Equal(HttpStatusCode.NotFound, await StatusAsync(other, lead.LeadId, new { icpId, icpVersion = 1 }));

        using var missing = await client.PostAsJsonAsync($"/api/leads/{lead.LeadId}/rescore", new { snapshot = 1 });
        Assert.Equal(HttpStatusCode.BadRequest, missing.StatusCode);
        var problem = (await missing.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.NotNull(problem["errors"]!["icpId"]);
        Assert.NotNull(problem["errors"]!["icpVersion"]);
    }

    private static async Task<JsonObject> RescoreAsync(HttpClient client, Guid leadId, object body)
    {
        using var response = await client.PostAsJsonAsync($"/api/leads/{leadId}/rescore", body);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    private static async Task<HttpStatusCode> StatusAsync(HttpClient client, Guid leadId, object body)
    {
        using var response = await client.PostAsJsonAsync($"/api/leads/{leadId}/rescore", body);
        return response.StatusCode;
    }
}
