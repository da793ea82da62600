using GrowthKit.Contracts;
using GrowthKit.Model;
using GrowthKit.Scoring.Relaying;
using GrowthKit.Services.Tests.Infrastructure;
using static GrowthKit.Services.Tests.Scoring.ScoringKit;

namespace GrowthKit.Services.Tests.Scoring;

/// <summary>Scores recorded by the scoring service are announced as <see cref="ScoresRecorded"/> from its ledger.</summary>
[Collection(ServersCollection.Name)]
public sealed class ScoreRelayTests(TestServers servers, ScoringService scoring) : IClassFixture<ScoringService>, IAsyncLifetime
{
    public Task InitializeAsync() => scoring.StartAsync(servers);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Scores_of_a_rescoring_and_of_an_arrival_are_announced_with_external_id_tier_and_top_reasons()
    {
        await using var inbox = await BusInbox<ScoresRecorded>.ConnectAsync(scoring.Bus);
        var tenant = Guid.NewGuid();
        var first = Received(tenant, Variant("crm-first", 0));
        await scoring.PublishAndWaitAsync(Batch(tenant, first));
        var icpId = Guid.CreateVersion7();
        await scoring.PublishAndWaitAsync(Published(tenant, icpId, 1));
        await scoring.WaitForRescoringAsync(tenant, icpId, 1);
        var second = Received(tenant, Variant("crm-second", 3));
        await scoring.PublishAndWaitAsync(Batch(tenant, second));

        // Both ledger events may travel in one page, so one message or two.
        var messages = await Eventually.Until(() => Task.FromResult(inbox.Received.Where(m => m.Message.TenantId == tenant).ToList()),
            r => r.Sum(m => m.Message.Scores.Count) >= 2, "scores of both leads");
        var scores = messages.SelectMany(m => m.Message.Scores).ToList();
        var a = Assert.Single(scores, s => s.LeadId == first.LeadId);
        Assert.Equal(("crm-first", icpId, 1, 1, 100m, "A"), (a.ExternalId, a.IcpId, a.IcpVersion, a.Snapshot, a.Score, a.Tier));
        // Industry 30, size 25, region 20, trigger 15, pain 10: the three largest, best first.
        Assert.Equal(["industry", "size", "region"], a.Reasons);
        Assert.Null(a.DisqualifiedBy);
        var b = Assert.Single(scores, s => s.LeadId == second.LeadId);
        Assert.Equal(("crm-second", 63.6m, "B"), (b.ExternalId, b.Score, b.Tier));
        Assert.Equal(["industry", "size", "trigger"], b.Reasons);
        Assert.All(messages, m => Assert.NotNull(m.MessageId));
        Assert.Equal(messages.Count, messages.Select(m => m.MessageId).Distinct().Count());
    }

    [Fact]
    public async Task A_disqualified_lead_is_announced_with_the_disqualifier_key()
    {
        await using var inbox = await BusInbox<ScoresRecorded>.ConnectAsync(scoring.Bus);
        var tenant = Guid.NewGuid();
        var icpId = Guid.CreateVersion7();
        await scoring.PublishAndWaitAsync(Published(tenant, icpId, 1));
        await scoring.WaitForRescoringAsync(tenant, icpId, 1);
        var tiny = Received(tenant, Variant("crm-tiny", 6));
        await scoring.PublishAndWaitAsync(Batch(tenant, tiny));

        var score = Assert.Single((await inbox.WaitForAsync(m => m.TenantId == tenant, 1, "the score")).SelectMany(m => m.Message.Scores));
        Assert.Equal(("disqualified", "too-small", 0m), (score.Tier, score.DisqualifiedBy, score.Score));
    }

    [Fact]
    public void Reasons_are_the_three_largest_positive_contributions_of_matched_criteria()
    {
        CriterionResult C(string key, bool matched, decimal contribution) => new(key, matched, contribution, contribution, null);
        Assert.Equal(["b", "d", "a"], ScoreRelay.Reasons(
            [C("a", true, 10), C("b", true, 30), C("c", false, 0), C("d", true, 20), C("e", true, 5), C("f", true, -10)]));
        Assert.Empty(ScoreRelay.Reasons([C("x", true, -10), C("y", false, 0)]));
    }
}
