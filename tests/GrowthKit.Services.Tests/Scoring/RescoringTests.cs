using GrowthKit.Services.Tests.Infrastructure;
using Npgsql;
using static GrowthKit.Services.Tests.Scoring.ScoringKit;

namespace GrowthKit.Services.Tests.Scoring;

/// <summary>
/// Re-scoring every lead of a tenant against a newly published version: in pages, with progress, and
/// exactly one score per (lead snapshot, version) even across a restart in the middle of it.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class RescoringTests(TestServers servers, ScoringService scoring)
    : IClassFixture<ScoringService>, IAsyncLifetime
{
    private const int Leads = 3000;

    public Task InitializeAsync() => scoring.StartAsync(servers);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task Rescoring_3000_leads_against_a_new_version_scores_each_exactly_once_and_reports_progress()
    {
        var tenant = Guid.NewGuid();
        var leads = ManyLeads(tenant, Leads);
        await scoring.PushAsync(tenant, leads, batchSize: 1000);
        var icpId = Guid.CreateVersion7();
        await scoring.PublishAndWaitAsync(Published(tenant, icpId, 1));
        await scoring.WaitForRescoringAsync(tenant, icpId, 1);

        await scoring.PublishAndWaitAsync(Published(tenant, icpId, 2, Samples.ChangedDefinition()));
        var progress = await scoring.WaitForRescoringAsync(tenant, icpId, 2);

        Assert.Equal((Leads, Leads), (progress["total"]!.GetValue<int>(), progress["scored"]!.GetValue<int>()));
        Assert.True(progress["startedAt"]!.GetValue<DateTimeOffset>() <= progress["finishedAt"]!.GetValue<DateTimeOffset>());
        foreach (var version in new[] { 1, 2 })
        {
            Assert.Equal(((long)Leads, (long)Leads), await scoring.IndexedScoresAsync(tenant, icpId, version));
            var entries = await scoring.LedgerEntriesAsync(tenant, icpId, version);
            Assert.Equal(leads.Select(l => l.LeadId).Order(), entries.Select(e => e.LeadId).Order());
        }
        // Every lead now holds a score for each version, v2's being its current one.
        var sample = leads[1234];
        var scores = await scoring.ScoresAsync(tenant, sample.LeadId);
        Assert.Equal([1, 2], scores.Select(s => s["icpVersion"]!.GetValue<int>()));
        var current = Assert.Single((await scoring.LeadAsync(tenant, sample.LeadId))!["scores"]!.AsArray())!;
        Assert.Equal(2, current["icpVersion"]!.GetValue<int>());
    }

    [Fact]
    public async Task A_restart_in_the_middle_of_a_rescoring_resumes_it_and_still_scores_each_lead_exactly_once()
    {
        var tenant = Guid.NewGuid();
        var leads = ManyLeads(tenant, Leads, "restart");
        await scoring.PushAsync(tenant, leads, batchSize: 1000);
        var icpId = Guid.CreateVersion7();

        // Holds the re-scoring up in its second page: an uncommitted score row for a lead in the
        // middle (by id) makes the page's insert of the same key wait for this transaction.
        var middle = leads.Select(l => l.LeadId).OrderBy(id => id.ToString("N"), StringComparer.Ordinal).ElementAt(Leads / 2);
        await using var blocker = await scoring.OpenDatabaseAsync();
        await using var held = await blocker.BeginTransactionAsync();
        await using (var insert = new NpgsqlCommand("""
            insert into scoring.lead_scores (tenant_id, lead_id, icp_id, icp_version, snapshot, score, tier,
              model_version, input_hash, scored_at, batch_id, pos)
            values ($1, $2, $3, 1, 1, 0, 'D', 'held', 'held', now(), gen_random_uuid(), 0)
            """, blocker))
        {
            insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenant });
            insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = middle });
            insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = icpId });
            await insert.ExecuteNonQueryAsync();
        }

        await scoring.PublishAndWaitAsync(Published(tenant, icpId, 1));
        using (var client = scoring.ClientFor(tenant))
        {
            var midway = await Eventually.Until(
                () => System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<System.Text.Json.Nodes.JsonObject>(
                    client, $"/api/icps/{icpId}/versions/1/rescoring"),
                p => p!["scored"]!.GetValue<int>() > 0, "the first page re-scored");
            Assert.Null(midway!["finishedAt"]);
        }

        // Stopped while the page waits; the page rolls back, and the held row is withdrawn.
        await scoring.StopAsync();
        await held.RollbackAsync();
        await scoring.StartAsync(servers);

        var progress = await scoring.WaitForRescoringAsync(tenant, icpId, 1);
        Assert.Equal((Leads, Leads), (progress["total"]!.GetValue<int>(), progress["scored"]!.GetValue<int>()));
        Assert.Equal(((long)Leads, (long)Leads), await scoring.IndexedScoresAsync(tenant, icpId, 1));
        var entries = await scoring.LedgerEntriesAsync(tenant, icpId, 1);
        Assert.Equal(leads.Select(l => l.LeadId).Order(), entries.Select(e => e.LeadId).Order());
    }
}
