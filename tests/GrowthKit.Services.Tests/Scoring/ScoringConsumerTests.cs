using System.Text.Json.Nodes;
using GrowthKit.Model;
using GrowthKit.Services.Tests.Infrastructure;
using MassTransit;
using static GrowthKit.Services.Tests.Scoring.ScoringKit;

namespace GrowthKit.Services.Tests.Scoring;

/// <summary>
/// The scoring consumers against real PostgreSQL and RabbitMQ: lead batches and ICP publications go
/// through the broker to the service's queues, outcomes are read back through its API and its ledger.
/// Each test uses tenants of its own.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class ScoringConsumerTests(TestServers servers, ScoringService scoring)
    : IClassFixture<ScoringService>, IAsyncLifetime
{
    private int _faultsBefore;

    public async Task InitializeAsync()
    {
        await scoring.StartAsync(servers);
        _faultsBefore = scoring.Watch.Faults.Count;
    }

    /// <summary>No consumer failed while this test ran (a retried failure would hide behind a passing outcome).</summary>
    public Task DisposeAsync()
    {
        Assert.Empty(scoring.Watch.Faults.Skip(_faultsBefore));
        return Task.CompletedTask;
    }

    [Fact]
    public async Task Lead_matching_industry_size_and_trigger_scores_72_7_tier_B_once_the_icp_is_published()
    {
        var tenant = Guid.NewGuid();
        var lead = Samples.IndustrySizeTriggerLead("crm-4711");
        var received = Received(tenant, lead);
        await scoring.PublishAndWaitAsync(Batch(tenant, received));
        Assert.Empty((await scoring.LeadAsync(tenant, received.LeadId))!["scores"]!.AsArray());

        var icpId = Guid.CreateVersion7();
        await scoring.PublishAndWaitAsync(Published(tenant, icpId, 1));
        await scoring.WaitForRescoringAsync(tenant, icpId, 1);

        var view = (await scoring.LeadAsync(tenant, received.LeadId))!;
        Assert.Equal(("crm-4711", 1), (view["externalId"]!.GetValue<string>(), view["snapshot"]!.GetValue<int>()));
        var score = Assert.Single(view["scores"]!.AsArray())!.AsObject();
        Assert.Equal(72.7m, score["score"]!.GetValue<decimal>());
        Assert.Equal("B", score["tier"]!.GetValue<string>());
        Assert.Equal((icpId, 1, 1), (Guid.Parse(score["icpId"]!.GetValue<string>()), score["icpVersion"]!.GetValue<int>(),
            score["snapshot"]!.GetValue<int>()));
        Assert.True(score.ContainsKey("disqualifiedBy"));
        Assert.Null(score["disqualifiedBy"]);
        Assert.Equal(["industry", "size", "trigger"], score["breakdown"]!.AsArray()
            .Where(b => b!["matched"]!.GetValue<bool>()).Select(b => b!["key"]!.GetValue<string>()));
        Assert.Equal(ScoringModel.ModelVersion, score["modelVersion"]!.GetValue<string>());
        Assert.Equal(InputHash.Compute(LeadJson.ToElement(lead), Samples.Definition(), ScoringModel.ModelVersion),
            score["inputHash"]!.GetValue<string>());

        // The ledger holds the same one score.
        var entry = Assert.Single(await scoring.LedgerEntriesAsync(tenant, icpId, 1));
        Assert.Equal((received.LeadId, 72.7m), (entry.LeadId, entry.Score));
    }

    [Fact]
    public async Task A_lead_arriving_after_the_icp_was_published_is_scored_on_arrival()
    {
        var tenant = Guid.NewGuid();
        var icpId = Guid.CreateVersion7();
        await scoring.PublishAndWaitAsync(Published(tenant, icpId, 1));
        await scoring.WaitForRescoringAsync(tenant, icpId, 1);

        var received = Received(tenant, Samples.IndustrySizeTriggerSalesLead("crm-sales"));
        await scoring.PublishAndWaitAsync(Batch(tenant, received));

        var score = Assert.Single((await scoring.LeadAsync(tenant, received.LeadId))!["scores"]!.AsArray())!;
        Assert.Equal((63.6m, "B", icpId.ToString(), 1), (score["score"]!.GetValue<decimal>(), score["tier"]!.GetValue<string>(),
            score["icpId"]!.GetValue<string>(), score["icpVersion"]!.GetValue<int>()));
    }

    [Fact]
    public async Task A_batch_records_each_lead_and_scores_it_against_the_latest_version_of_every_icp()
    {
        var tenant = Guid.NewGuid();
        var (icpA, icpB) = (Guid.CreateVersion7(), Guid.CreateVersion7());
        await scoring.PublishAndWaitAsync(Published(tenant, icpA, 1));
        await scoring.PublishAndWaitAsync(Published(tenant, icpA, 2, Samples.ChangedDefinition()));
        await scoring.PublishAndWaitAsync(Published(tenant, icpB, 1));

        var leads = ManyLeads(tenant, Expected.Length);
        await scoring.PushAsync(tenant, leads);

        for (var i = 0; i < leads.Count; i++)
        {
            var scores = (await scoring.LeadAsync(tenant, leads[i].LeadId))!["scores"]!.AsArray().Select(s => s!.AsObject()).ToList();
            Assert.Equal([(icpA.ToString(), 2), (icpB.ToString(), 1)], scores
                .Select(s => (s["icpId"]!.GetValue<string>(), s["icpVersion"]!.GetValue<int>()))
                .OrderBy(s => s.Item1 == icpA.ToString() ? 0 : 1));
            var againstB = scores.Single(s => s["icpId"]!.GetValue<string>() == icpB.ToString());
            Assert.Equal(Expected[i], (againstB["score"]!.GetValue<decimal>(), againstB["tier"]!.GetValue<string>()));
        }
        Assert.Empty(await scoring.LedgerEntriesAsync(tenant, icpA, 1));
    }

    [Fact]
    public async Task A_redelivered_batch_records_exactly_one_score_per_snapshot_and_icp_version()
    {
        var tenant = Guid.NewGuid();
        var icpId = Guid.CreateVersion7();
        await scoring.PublishAndWaitAsync(Published(tenant, icpId, 1));
        await scoring.WaitForRescoringAsync(tenant, icpId, 1);
        var batch = Batch(tenant, [.. ManyLeads(tenant, 50, "dup")]);
        var messageId = NewId.NextGuid();

        // The same message (same MessageId) twice back to back, as a broker redelivers it — the two
        // may be consumed at once — and once more after it was recorded, as a relay re-publishes after a crash.
        await scoring.PublishAsync(batch, messageId);
        await scoring.PublishAsync(batch, messageId);
        await scoring.Watch.WaitForConsumedAsync(messageId, times: 2);
        await scoring.PublishAsync(batch, messageId);
        await scoring.Watch.WaitForConsumedAsync(messageId, times: 3);

        Assert.Equal((50L, 50L), await scoring.IndexedScoresAsync(tenant, icpId, 1));
        var entries = await scoring.LedgerEntriesAsync(tenant, icpId, 1);
        Assert.Equal(50, entries.Count);
        Assert.Equal(50, entries.Select(e => (e.LeadId, e.Snapshot)).Distinct().Count());
        foreach (var lead in batch.Leads) Assert.Single(await scoring.ScoresAsync(tenant, lead.LeadId));
    }

    [Fact]
    public async Task A_redelivered_publication_changes_nothing()
    {
        var tenant = Guid.NewGuid();
        var leads = ManyLeads(tenant, 20);
        await scoring.PushAsync(tenant, leads);
        var icpId = Guid.CreateVersion7();
        var published = Published(tenant, icpId, 1);
        var messageId = NewId.NextGuid();

        await scoring.PublishAsync(published, messageId);
        await scoring.PublishAsync(published, messageId);
        await scoring.Watch.WaitForConsumedAsync(messageId, times: 2);
        var progress = await scoring.WaitForRescoringAsync(tenant, icpId, 1);
        await scoring.PublishAsync(published, messageId);
        await scoring.Watch.WaitForConsumedAsync(messageId, times: 3);

        Assert.Equal((20, 20), (progress["total"]!.GetValue<int>(), progress["scored"]!.GetValue<int>()));
        Assert.Equal((20L, 20L), await scoring.IndexedScoresAsync(tenant, icpId, 1));
        Assert.Equal(20, (await scoring.LedgerEntriesAsync(tenant, icpId, 1)).Count);
    }

    [Fact]
    public async Task A_changed_snapshot_is_scored_again_and_the_ledger_keeps_both_scores_oldest_first()
    {
        var tenant = Guid.NewGuid();
        var icpId = Guid.CreateVersion7();
        await scoring.PublishAndWaitAsync(Published(tenant, icpId, 1));
        await scoring.WaitForRescoringAsync(tenant, icpId, 1);
        var first = Received(tenant, Samples.IndustrySizeTriggerLead("crm-change"), snapshot: 1);
        await scoring.PublishAndWaitAsync(Batch(tenant, first));
        var second = Received(tenant, Samples.IndustrySizeTriggerSalesLead("crm-change"), snapshot: 2);
        await scoring.PublishAndWaitAsync(Batch(tenant, second));

        var view = (await scoring.LeadAsync(tenant, first.LeadId))!;
        Assert.Equal(2, view["snapshot"]!.GetValue<int>());
        Assert.Equal("sales", view["lead"]!["contact"]!["department"]!.GetValue<string>());
        var current = Assert.Single(view["scores"]!.AsArray())!;
        Assert.Equal((2, 63.6m), (current["snapshot"]!.GetValue<int>(), current["score"]!.GetValue<decimal>()));

        var history = await scoring.ScoresAsync(tenant, first.LeadId);
        Assert.Equal([(1, 72.7m), (2, 63.6m)], history.Select(s => (s["snapshot"]!.GetValue<int>(), s["score"]!.GetValue<decimal>())));
    }

    [Fact]
    public async Task An_older_snapshot_arriving_after_a_newer_one_changes_nothing()
    {
        var tenant = Guid.NewGuid();
        var icpId = Guid.CreateVersion7();
        await scoring.PublishAndWaitAsync(Published(tenant, icpId, 1));
        await scoring.WaitForRescoringAsync(tenant, icpId, 1);
        var newer = Received(tenant, Samples.IndustrySizeTriggerSalesLead("crm-order"), snapshot: 2);
        await scoring.PublishAndWaitAsync(Batch(tenant, newer));

        var older = Received(tenant, Samples.IndustrySizeTriggerLead("crm-order"), snapshot: 1);
        await scoring.PublishAndWaitAsync(Batch(tenant, older));

        var score = Assert.Single(await scoring.ScoresAsync(tenant, newer.LeadId));
        Assert.Equal((2, 63.6m), (score["snapshot"]!.GetValue<int>(), score["score"]!.GetValue<decimal>()));
        var view = (await scoring.LeadAsync(tenant, newer.LeadId))!;
        Assert.Equal(2, view["snapshot"]!.GetValue<int>());
        Assert.Equal(CanonicalJson.Serialize(newer.Lead), CanonicalJson.Serialize(System.Text.Json.JsonSerializer.SerializeToElement(view["lead"])));
    }

    [Fact]
    public async Task A_batch_carrying_two_snapshots_of_one_lead_records_the_newer()
    {
        var tenant = Guid.NewGuid();
        var icpId = Guid.CreateVersion7();
        await scoring.PublishAndWaitAsync(Published(tenant, icpId, 1));
        await scoring.WaitForRescoringAsync(tenant, icpId, 1);
        var older = Received(tenant, Samples.IndustrySizeTriggerLead("crm-twice"), snapshot: 1);
        var newer = Received(tenant, Samples.IndustrySizeTriggerSalesLead("crm-twice"), snapshot: 2);

        await scoring.PublishAndWaitAsync(Batch(tenant, newer, older));

        var score = Assert.Single(await scoring.ScoresAsync(tenant, newer.LeadId));
        Assert.Equal((2, 63.6m), (score["snapshot"]!.GetValue<int>(), score["score"]!.GetValue<decimal>()));
    }

    [Fact]
    public async Task An_older_icp_version_arriving_after_a_newer_one_is_not_scored_against()
    {
        var tenant = Guid.NewGuid();
        var icpId = Guid.CreateVersion7();
        var received = Received(tenant, Samples.IndustrySizeTriggerLead("crm-icp-order"));
        await scoring.PublishAndWaitAsync(Batch(tenant, received));
        await scoring.PublishAndWaitAsync(Published(tenant, icpId, 2, Samples.ChangedDefinition()));
        await scoring.WaitForRescoringAsync(tenant, icpId, 2);

        await scoring.PublishAndWaitAsync(Published(tenant, icpId, 1));

        var score = Assert.Single(await scoring.ScoresAsync(tenant, received.LeadId));
        Assert.Equal(2, score["icpVersion"]!.GetValue<int>());
        using var client = scoring.ClientFor(tenant);
        using var rescoring = await client.GetAsync($"/api/icps/{icpId}/versions/1/rescoring");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, rescoring.StatusCode);
    }

    [Fact]
    public async Task A_lead_of_one_tenant_is_never_scored_against_another_tenants_icp()
    {
        var tenantA = Guid.NewGuid();
        var tenantB = Guid.NewGuid();
        var icpA = Guid.CreateVersion7();
        await scoring.PublishAndWaitAsync(Published(tenantA, icpA, 1));
        await scoring.WaitForRescoringAsync(tenantA, icpA, 1);

        // Tenant B has no ICP yet: its lead, though it matches A's ICP, gets no score at all.
        var leadB = Received(tenantB, Samples.IndustrySizeTriggerLead("crm-shared-id"));
        await scoring.PublishAndWaitAsync(Batch(tenantB, leadB));
        Assert.Empty(await scoring.ScoresAsync(tenantB, leadB.LeadId));

        // B's own ICP re-scores B's leads only; A's lead, sent next, is scored against A's ICP only.
        var icpB = Guid.CreateVersion7();
        await scoring.PublishAndWaitAsync(Published(tenantB, icpB, 1, Samples.ChangedDefinition()));
        await scoring.WaitForRescoringAsync(tenantB, icpB, 1);
        var leadA = Received(tenantA, Samples.IndustrySizeTriggerLead("crm-shared-id"));
        await scoring.PublishAndWaitAsync(Batch(tenantA, leadA));

        Assert.Equal(icpB.ToString(), Assert.Single(await scoring.ScoresAsync(tenantB, leadB.LeadId))["icpId"]!.GetValue<string>());
        Assert.Equal(icpA.ToString(), Assert.Single(await scoring.ScoresAsync(tenantA, leadA.LeadId))["icpId"]!.GetValue<string>());

        // Nothing crossed over: neither tenant sees the other's lead or re-scoring.
        Assert.Null(await scoring.LeadAsync(tenantA, leadB.LeadId));
        Assert.Null(await scoring.LeadAsync(tenantB, leadA.LeadId));
        using var clientA = scoring.ClientFor(tenantA);
        using var foreign = await clientA.GetAsync($"/api/icps/{icpB}/versions/1/rescoring");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, foreign.StatusCode);
    }

    [Fact]
    public async Task Leads_arriving_while_an_icp_is_published_are_each_scored_exactly_once()
    {
        var tenant = Guid.NewGuid();
        var leads = ManyLeads(tenant, 2000, "burst");
        var icpId = Guid.CreateVersion7();

        // No waiting in between: the publication lands in the middle of a burst of batches, and the
        // re-scoring it starts runs while the rest arrive.
        var messageIds = new List<Guid>();
        foreach (var chunk in leads.Take(1000).Chunk(100)) messageIds.Add(await scoring.PublishAsync(Batch(tenant, chunk)));
        messageIds.Add(await scoring.PublishAsync(Published(tenant, icpId, 1)));
        foreach (var chunk in leads.Skip(1000).Chunk(100)) messageIds.Add(await scoring.PublishAsync(Batch(tenant, chunk)));
        foreach (var id in messageIds) await scoring.Watch.WaitForConsumedAsync(id);
        await scoring.WaitForRescoringAsync(tenant, icpId, 1);

        Assert.Equal((2000L, 2000L), await scoring.IndexedScoresAsync(tenant, icpId, 1));
        var entries = await scoring.LedgerEntriesAsync(tenant, icpId, 1);
        Assert.Equal(2000, entries.Count);
        Assert.Equal(leads.Select(l => l.LeadId).Order(), entries.Select(e => e.LeadId).Order());
    }

    [Fact]
    public async Task Unknown_leads_answer_404_saying_a_lead_just_accepted_appears_shortly()
    {
        var tenant = Guid.NewGuid();
        Assert.Null(await scoring.LeadAsync(tenant, Guid.NewGuid()));
        using var client = scoring.ClientFor(tenant);
        using var byExternal = await client.GetAsync("/api/leads/by-external-id/nobody");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, byExternal.StatusCode);
        Assert.Equal("application/problem+json", byExternal.Content.Headers.ContentType?.MediaType);
        Assert.Contains("ask again shortly", await byExternal.Content.ReadAsStringAsync());
        using var scores = await client.GetAsync($"/api/leads/{Guid.NewGuid()}/scores");
        Assert.Equal(System.Net.HttpStatusCode.NotFound, scores.StatusCode);
    }

    [Fact]
    public async Task By_external_id_answers_the_same_lead_with_its_raw_input()
    {
        var tenant = Guid.NewGuid();
        var received = Received(tenant, Samples.IndustrySizeTriggerLead("ext-42"));
        await scoring.PublishAndWaitAsync(Batch(tenant, received));

        using var client = scoring.ClientFor(tenant);
        var byExternal = (await System.Net.Http.Json.HttpClientJsonExtensions.GetFromJsonAsync<JsonObject>(client, "/api/leads/by-external-id/ext-42"))!;
        var byId = (await scoring.LeadAsync(tenant, received.LeadId))!;
        Assert.Equal(received.LeadId.ToString(), byExternal["leadId"]!.GetValue<string>());
        Assert.Equal(byId.ToJsonString(), byExternal.ToJsonString());
        Assert.Equal("Acme Logistics GmbH", byExternal["raw"]!["company"]!["name"]!.GetValue<string>());
    }
}
