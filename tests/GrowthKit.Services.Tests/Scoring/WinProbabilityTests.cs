using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using GrowthKit.Contracts;
using GrowthKit.Services.Tests.Infrastructure;
using static GrowthKit.Services.Tests.Scoring.ScoringKit;

namespace GrowthKit.Services.Tests.Scoring;

/// <summary>
/// A score's winProbability: read beside the recorded score through the version's calibration that
/// refinement sent (WinCalibrationFitted), null without one, never part of the recorded score.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class WinProbabilityTests(TestServers servers, ScoringService scoring)
    : IClassFixture<ScoringService>, IAsyncLifetime
{
    public Task InitializeAsync() => scoring.StartAsync(servers);

    public Task DisposeAsync() => Task.CompletedTask;

    /// <summary>Scores up to 20 win 10 %, 30–80 win 40 %, 90 and above 75 % (the variants score 0 to 100, none in 80–90).</summary>
    private static WinCalibrationFitted Calibration(Guid tenant, Guid icpId, int version, DateTimeOffset fittedAt, double top = 0.75) =>
        new(tenant, icpId, version, 140, 55,
            [new WinCalibrationStep(0m, 20m, 50, 5, 0.1), new WinCalibrationStep(30m, 80m, 50, 20, 0.4), new WinCalibrationStep(90m, 100m, 40, 30, top)],
            fittedAt);

    private static double ProbabilityAt(decimal score, double top = 0.75) => score >= 90 ? top : score >= 30 ? 0.4 : 0.1;

    private async Task<List<JsonObject>> CurrentScoresAsync(Guid tenant, IEnumerable<LeadReceived> leads)
    {
        var scores = new List<JsonObject>();
        foreach (var lead in leads) scores.Add((await scoring.LeadAsync(tenant, lead.LeadId))!["scores"]!.AsArray().Single()!.AsObject());
        return scores;
    }

    [Fact]
    public async Task A_calibration_gives_each_score_of_its_version_a_win_probability_without_touching_the_recorded_score()
    {
        var tenant = Guid.NewGuid();
        var icpId = Guid.CreateVersion7();
        var leads = ManyLeads(tenant, Expected.Length);
        await scoring.PushAsync(tenant, leads);
        await scoring.PublishAndWaitAsync(Published(tenant, icpId, 1));
        await scoring.WaitForRescoringAsync(tenant, icpId, 1);

        var before = await CurrentScoresAsync(tenant, leads);
        Assert.All(before, s => Assert.True(s.ContainsKey("winProbability") && s["winProbability"] is null, s.ToJsonString()));

        var fittedAt = DateTimeOffset.UtcNow;
        await scoring.PublishAndWaitAsync(Calibration(tenant, icpId, 1, fittedAt));

        var after = await CurrentScoresAsync(tenant, leads);
        for (var i = 0; i < leads.Count; i++)
        {
            var score = after[i]["score"]!.GetValue<decimal>();
            Assert.Equal(ProbabilityAt(score), after[i]["winProbability"]!.GetValue<double>());
            // The recorded score is the same: same hash, same time, same everything but the field read beside it.
            after[i].Remove("winProbability");
            before[i].Remove("winProbability");
            Assert.Equal(before[i].ToJsonString(), after[i].ToJsonString());
        }

        using var client = scoring.ClientFor(tenant);
        var listed = (await client.GetFromJsonAsync<JsonObject>($"/api/leads?icpId={icpId}"))!["items"]!.AsArray();
        Assert.Equal(leads.Count, listed.Count);
        Assert.All(listed, l => Assert.Equal(ProbabilityAt(l!["score"]!["score"]!.GetValue<decimal>()), l!["score"]!["winProbability"]!.GetValue<double>()));
        var history = await scoring.ScoresAsync(tenant, leads[0].LeadId);
        Assert.Equal(0.75, Assert.Single(history)["winProbability"]!.GetValue<double>());

        // Re-scoring still matches the record, and says the probability beside it.
        using var rescored = await client.PostAsJsonAsync($"/api/leads/{leads[4].LeadId}/rescore", new { icpId, icpVersion = 1 });
        Assert.Equal(HttpStatusCode.OK, rescored.StatusCode);
        var body = (await rescored.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.True(body["matchesRecorded"]!.GetValue<bool>(), body.ToJsonString());
        Assert.Equal(0.4, body["score"]!["winProbability"]!.GetValue<double>());
    }

    [Fact]
    public async Task The_latest_fit_wins_and_each_version_has_its_own_calibration()
    {
        var tenant = Guid.NewGuid();
        var icpId = Guid.CreateVersion7();
        var leads = ManyLeads(tenant, 1); // variant 0: 100, A
        await scoring.PushAsync(tenant, leads);
        await scoring.PublishAndWaitAsync(Published(tenant, icpId, 1));
        await scoring.WaitForRescoringAsync(tenant, icpId, 1);

        var fittedAt = DateTimeOffset.UtcNow;
        await scoring.PublishAndWaitAsync(Calibration(tenant, icpId, 1, fittedAt, top: 0.6));
        // A redelivered or late, older fit changes nothing; a later one replaces it.
        await scoring.PublishAndWaitAsync(Calibration(tenant, icpId, 1, fittedAt.AddMinutes(-5), top: 0.9));
        Assert.Equal(0.6, (await CurrentScoresAsync(tenant, leads))[0]["winProbability"]!.GetValue<double>());
        await scoring.PublishAndWaitAsync(Calibration(tenant, icpId, 1, fittedAt.AddMinutes(5), top: 0.8));
        Assert.Equal(0.8, (await CurrentScoresAsync(tenant, leads))[0]["winProbability"]!.GetValue<double>());

        // Version 2 has no calibration yet: its score says null, version 1's score in the history keeps its own.
        await scoring.PublishAndWaitAsync(Published(tenant, icpId, 2, Samples.ChangedDefinition()));
        await scoring.WaitForRescoringAsync(tenant, icpId, 2);
        var current = (await CurrentScoresAsync(tenant, leads))[0];
        Assert.Equal(2, current["icpVersion"]!.GetValue<int>());
        Assert.Null(current["winProbability"]);
        var history = await scoring.ScoresAsync(tenant, leads[0].LeadId);
        Assert.Equal(0.8, history.Single(s => s["icpVersion"]!.GetValue<int>() == 1)["winProbability"]!.GetValue<double>());
        Assert.Null(history.Single(s => s["icpVersion"]!.GetValue<int>() == 2)["winProbability"]);
    }
}
