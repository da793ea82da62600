using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using GrowthKit.Model;
using GrowthKit.Services.Tests.Infrastructure;
using static GrowthKit.Services.Tests.Scoring.ScoringKit;

namespace GrowthKit.Services.Tests.Scoring;

/// <summary>
/// Poison stays with its tenant: a version whose definition overflows the scorer (stored before weights
/// were bounded) quarantines the leads it cannot score, on arrival and in re-scoring, while the rest of
/// the batch, the other versions and every other tenant are scored as usual.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class PoisonIsolationTests(TestServers servers, ScoringService scoring) : IClassFixture<ScoringService>, IAsyncLifetime
{
    public Task InitializeAsync() => scoring.StartAsync(servers);

    public Task DisposeAsync() => Task.CompletedTask;

    // 1e26 times the sample weights: the negative criterion alone makes 100 × (matched + N) overflow a
    // decimal. Disqualified leads are not weighed, so they still score (0, disqualified).
    private static IcpDefinition Overflowing() => Samples.Definition() with
    {
        Criteria = [.. Samples.Definition().Criteria!.Select(c => c with { Weight = c.Weight * 1e26m })],
    };

    private async Task<JsonArray> QuarantineAsync(Guid tenant)
    {
        using var client = scoring.ClientFor(tenant);
        using var response = await client.GetAsync("/api/leads/quarantine?limit=1000");
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!["items"]!.AsArray();
    }

    [Fact]
    public async Task Leads_a_poisoned_version_cannot_score_are_quarantined_and_everything_else_is_scored()
    {
        var (poisoned, healthy) = (Guid.NewGuid(), Guid.NewGuid());
        var (good, bad) = (Guid.NewGuid(), Guid.NewGuid());
        await scoring.PublishAndWaitAsync(Published(poisoned, good, 1));
        await scoring.PublishAndWaitAsync(Published(poisoned, bad, 1, Overflowing()));
        var healthyIcp = Guid.NewGuid();
        await scoring.PublishAndWaitAsync(Published(healthy, healthyIcp, 1));

        var poisonedLeads = ManyLeads(poisoned, 20, "p");
        var healthyLeads = ManyLeads(healthy, 20, "h");
        await scoring.PushAsync(poisoned, poisonedLeads, batchSize: 10);
        await scoring.PushAsync(healthy, healthyLeads, batchSize: 10);

        // Every lead of the poisoned tenant is recorded and scored against the good ICP; the bad one
        // quarantined each, with the reason. The healthy tenant sees nothing of it.
        Assert.Equal((20L, 20L), await scoring.IndexedScoresAsync(poisoned, good, 1));
        var (scoredByBad, _) = await scoring.IndexedScoresAsync(poisoned, bad, 1);
        var quarantined = await QuarantineAsync(poisoned);
        Assert.True(quarantined.Count >= 10, $"only {quarantined.Count} of 20 leads were quarantined");
        Assert.Equal(20, scoredByBad + quarantined.Count);
        Assert.All(quarantined, q =>
        {
            Assert.Equal(bad, q!["icpId"]!.GetValue<Guid>());
            Assert.Contains("Overflow", q["reason"]!.GetValue<string>());
        });
        Assert.Equal(quarantined.Count, quarantined.Select(q => q!["leadId"]!.GetValue<Guid>()).Intersect(poisonedLeads.Select(l => l.LeadId)).Count());
        Assert.Equal((20L, 20L), await scoring.IndexedScoresAsync(healthy, healthyIcp, 1));
        Assert.Empty(await QuarantineAsync(healthy));

        // A redelivery changes nothing: the quarantine holds each (lead, snapshot, version) once.
        await scoring.PushAsync(poisoned, poisonedLeads, batchSize: 20);
        Assert.Equal(quarantined.Count, (await QuarantineAsync(poisoned)).Count);
    }

    [Fact]
    public async Task A_poisoned_rescoring_finishes_with_its_leads_quarantined_and_does_not_hold_back_another_tenants()
    {
        var (poisoned, healthy) = (Guid.NewGuid(), Guid.NewGuid());
        var (poisonedIcp, healthyIcp) = (Guid.NewGuid(), Guid.NewGuid());
        await scoring.PublishAndWaitAsync(Published(poisoned, poisonedIcp, 1));
        await scoring.PublishAndWaitAsync(Published(healthy, healthyIcp, 1));
        await scoring.PushAsync(poisoned, ManyLeads(poisoned, 300, "p"));
        await scoring.PushAsync(healthy, ManyLeads(healthy, 300, "h"));

        // The poisoned version first, so its parts would block the healthy tenant's if failures stalled the worker.
        await scoring.PublishAndWaitAsync(Published(poisoned, poisonedIcp, 2, Overflowing()));
        await scoring.PublishAndWaitAsync(Published(healthy, healthyIcp, 2, Samples.ChangedDefinition()));

        var healthyProgress = await scoring.WaitForRescoringAsync(healthy, healthyIcp, 2, TimeSpan.FromMinutes(2));
        Assert.Equal(300, healthyProgress["scored"]!.GetValue<int>());
        Assert.Equal((300L, 300L), await scoring.IndexedScoresAsync(healthy, healthyIcp, 2));

        await scoring.WaitForRescoringAsync(poisoned, poisonedIcp, 2, TimeSpan.FromMinutes(2));
        var (scoredByPoisoned, _) = await scoring.IndexedScoresAsync(poisoned, poisonedIcp, 2);
        var quarantined = (await QuarantineAsync(poisoned)).Count(q => q!["icpVersion"]!.GetValue<int>() == 2);
        Assert.True(quarantined >= 150, $"only {quarantined} of 300 leads were quarantined");
        Assert.Equal(300, scoredByPoisoned + quarantined);
    }
}
