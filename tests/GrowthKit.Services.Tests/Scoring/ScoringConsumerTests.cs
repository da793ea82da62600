using System.Text.Json;
using GrowthKit.Contracts;
using GrowthKit.Model;
using GrowthKit.Scoring.Scores;
using GrowthKit.Services.Tests.Infrastructure;
using Marten;
using MassTransit;

namespace GrowthKit.Services.Tests.Scoring;

/// <summary>
/// The scoring consumers against real PostgreSQL and RabbitMQ: messages go through the broker to the
/// service's queue, outcomes are read back through Marten. Each test uses tenants of its own.
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
        var received = LeadReceived(tenant, lead, snapshot: 1);
        await PublishAndWaitAsync(received);
        Assert.Empty(await ScoresAsync(tenant, received.LeadId));

        var icpId = Guid.CreateVersion7();
        await PublishAndWaitAsync(IcpVersionPublished(tenant, icpId, 1, Samples.Definition()));

        var score = Assert.Single(await ScoresAsync(tenant, received.LeadId));
        Assert.Equal(72.7m, score.Score);
        Assert.Equal("B", score.Tier);
        Assert.Equal((icpId, 1, 1), (score.IcpId, score.IcpVersion, score.Snapshot));
        Assert.Null(score.DisqualifiedBy);
        Assert.Equal(["industry", "size", "trigger"], score.Breakdown.Where(b => b.Matched).Select(b => b.Key));
        Assert.Equal(ScoringModel.ModelVersion, score.ModelVersion);
        Assert.Equal(InputHash.Compute(LeadJson.ToElement(lead), Samples.Definition(), ScoringModel.ModelVersion), score.InputHash);

        var scored = await ScoredLeadAsync(tenant, received.LeadId);
        Assert.Equal(72.7m, Assert.Single(scored.Scores).Score);
    }

    [Fact]
    public async Task A_lead_arriving_after_the_icp_was_published_is_scored_on_arrival()
    {
        var tenant = Guid.NewGuid();
        var icpId = Guid.CreateVersion7();
        await PublishAndWaitAsync(IcpVersionPublished(tenant, icpId, 1, Samples.Definition()));

        var received = LeadReceived(tenant, Samples.IndustrySizeTriggerSalesLead("crm-sales"), snapshot: 1);
        await PublishAndWaitAsync(received);

        var score = Assert.Single(await ScoresAsync(tenant, received.LeadId));
        Assert.Equal((63.6m, "B", icpId, 1), (score.Score, score.Tier, score.IcpId, score.IcpVersion));
    }

    [Fact]
    public async Task Redelivered_messages_record_exactly_one_score_per_snapshot_and_icp_version()
    {
        var tenant = Guid.NewGuid();
        var received = LeadReceived(tenant, Samples.IndustrySizeTriggerLead("crm-dup"), snapshot: 1);
        var published = IcpVersionPublished(tenant, Guid.CreateVersion7(), 1, Samples.Definition());
        var leadMessageId = NewId.NextGuid();
        var icpMessageId = NewId.NextGuid();

        // The same message (same MessageId) twice back to back, as a broker redelivers it ...
        await PublishAsync(received, leadMessageId);
        await PublishAsync(received, leadMessageId);
        await scoring.Watch.WaitForConsumedAsync(leadMessageId, times: 2);
        await PublishAsync(published, icpMessageId);
        await PublishAsync(published, icpMessageId);
        await scoring.Watch.WaitForConsumedAsync(icpMessageId, times: 2);
        // ... and once more after the score exists, as a relay re-publishes after a crash.
        await PublishAsync(received, leadMessageId);
        await scoring.Watch.WaitForConsumedAsync(leadMessageId, times: 3);

        var score = Assert.Single(await ScoresAsync(tenant, received.LeadId));
        Assert.Equal((published.IcpId, 1, 1, 72.7m), (score.IcpId, score.IcpVersion, score.Snapshot, score.Score));
        Assert.Single((await ScoredLeadAsync(tenant, received.LeadId)).Scores);
    }

    [Fact]
    public async Task An_older_snapshot_arriving_after_a_newer_one_changes_nothing()
    {
        var tenant = Guid.NewGuid();
        var icpId = Guid.CreateVersion7();
        await PublishAndWaitAsync(IcpVersionPublished(tenant, icpId, 1, Samples.Definition()));
        var newer = LeadReceived(tenant, Samples.IndustrySizeTriggerSalesLead("crm-order"), snapshot: 2);
        await PublishAndWaitAsync(newer);

        var older = LeadReceived(tenant, Samples.IndustrySizeTriggerLead("crm-order"), snapshot: 1);
        await PublishAndWaitAsync(older);

        var score = Assert.Single(await ScoresAsync(tenant, newer.LeadId));
        Assert.Equal((2, 63.6m), (score.Snapshot, score.Score));
        var scored = await ScoredLeadAsync(tenant, newer.LeadId);
        Assert.Equal(2, scored.Snapshot);
        Assert.Equal(CanonicalJson.Serialize(newer.Lead), CanonicalJson.Serialize(scored.Lead));
    }

    [Fact]
    public async Task An_older_icp_version_arriving_after_a_newer_one_changes_nothing()
    {
        var tenant = Guid.NewGuid();
        var icpId = Guid.CreateVersion7();
        var received = LeadReceived(tenant, Samples.IndustrySizeTriggerLead("crm-icp-order"), snapshot: 1);
        await PublishAndWaitAsync(received);
        await PublishAndWaitAsync(IcpVersionPublished(tenant, icpId, 2, Samples.ChangedDefinition()));

        await PublishAndWaitAsync(IcpVersionPublished(tenant, icpId, 1, Samples.Definition()));

        var score = Assert.Single(await ScoresAsync(tenant, received.LeadId));
        Assert.Equal(2, score.IcpVersion);
        await using var session = scoring.Store.QuerySession(tenant.ToString());
        Assert.Equal(2, (await session.LoadAsync<PublishedIcp>(icpId))!.Version);
    }

    [Fact]
    public async Task A_lead_of_one_tenant_is_never_scored_against_another_tenants_icp()
    {
        var tenantA = Guid.NewGuid();
        var tenantB = Guid.NewGuid();
        var icpA = Guid.CreateVersion7();
        await PublishAndWaitAsync(IcpVersionPublished(tenantA, icpA, 1, Samples.Definition()));

        // Tenant B has no ICP yet: its lead, though it matches A's ICP, gets no score at all.
        var leadB = LeadReceived(tenantB, Samples.IndustrySizeTriggerLead("crm-shared-id"), snapshot: 1);
        await PublishAndWaitAsync(leadB);
        Assert.Empty(await ScoresAsync(tenantB, leadB.LeadId));

        // B's own ICP rescored B's leads only; A's lead, sent next, is scored against A's ICP only.
        var icpB = Guid.CreateVersion7();
        await PublishAndWaitAsync(IcpVersionPublished(tenantB, icpB, 1, Samples.ChangedDefinition()));
        var leadA = LeadReceived(tenantA, Samples.IndustrySizeTriggerLead("crm-shared-id"), snapshot: 1);
        await PublishAndWaitAsync(leadA);

        Assert.Equal(icpB, Assert.Single(await ScoresAsync(tenantB, leadB.LeadId)).IcpId);
        Assert.Equal(icpA, Assert.Single(await ScoresAsync(tenantA, leadA.LeadId)).IcpId);

        // Nothing crossed over: neither tenant holds a score or a lead of the other.
        Assert.Empty(await ScoresAsync(tenantA, leadB.LeadId));
        Assert.Empty(await ScoresAsync(tenantB, leadA.LeadId));
        await using var sessionA = scoring.Store.QuerySession(tenantA.ToString());
        Assert.Equal([icpA], (await sessionA.Query<PublishedIcp>().ToListAsync()).Select(i => i.Id));
        Assert.Equal([leadA.LeadId], (await sessionA.Query<ScoredLead>().ToListAsync()).Select(l => l.Id));
    }

    [Fact]
    public async Task Leads_arriving_while_an_icp_is_published_are_each_scored_exactly_once()
    {
        var tenant = Guid.NewGuid();
        var leads = Enumerable.Range(1, 20)
            .Select(i => LeadReceived(tenant, Samples.IndustrySizeTriggerLead($"crm-burst-{i}"), snapshot: 1))
            .ToList();
        var published = IcpVersionPublished(tenant, Guid.CreateVersion7(), 1, Samples.Definition());

        // No waiting in between: the ICP lands in the middle of a burst of leads.
        var messageIds = new List<Guid>();
        foreach (var lead in leads.Take(10)) messageIds.Add(await PublishAsync(lead));
        messageIds.Add(await PublishAsync(published));
        foreach (var lead in leads.Skip(10)) messageIds.Add(await PublishAsync(lead));
        foreach (var id in messageIds) await scoring.Watch.WaitForConsumedAsync(id);

        foreach (var lead in leads)
        {
            var score = Assert.Single(await ScoresAsync(tenant, lead.LeadId));
            Assert.Equal((published.IcpId, 72.7m), (score.IcpId, score.Score));
        }
        // The guarantee the consumers' endpoint definition gives: one message at a time.
        Assert.Equal(1, scoring.Watch.MaxInFlight);
    }

    private static LeadReceived LeadReceived(Guid tenant, Lead lead, int snapshot) =>
        new(tenant, DeterministicId.For(tenant.ToString(), lead.ExternalId!), lead.ExternalId!, snapshot,
            LeadJson.ToElement(lead), Samples.Raw(lead), DateTimeOffset.UtcNow);

    private static IcpVersionPublished IcpVersionPublished(Guid tenant, Guid icpId, int version, IcpDefinition definition) =>
        new(tenant, icpId, version, JsonSerializer.SerializeToElement(definition, ModelJson.Options), "alice",
            $"version {version}", DateTimeOffset.UtcNow);

    private async Task<Guid> PublishAsync<T>(T message, Guid? messageId = null) where T : class
    {
        var id = messageId ?? NewId.NextGuid();
        await scoring.Bus.Publish(message, ctx => ctx.MessageId = id);
        return id;
    }

    private async Task PublishAndWaitAsync<T>(T message) where T : class =>
        await scoring.Watch.WaitForConsumedAsync(await PublishAsync(message));

    private async Task<IReadOnlyList<LeadScored>> ScoresAsync(Guid tenant, Guid leadId)
    {
        await using var session = scoring.Store.QuerySession(tenant.ToString());
        return await session.Events.QueryRawEventDataOnly<LeadScored>().Where(s => s.LeadId == leadId).ToListAsync();
    }

    private async Task<ScoredLead> ScoredLeadAsync(Guid tenant, Guid leadId)
    {
        await using var session = scoring.Store.QuerySession(tenant.ToString());
        return await session.LoadAsync<ScoredLead>(leadId)
               ?? throw new InvalidOperationException($"Lead {leadId} is unknown to scoring in tenant {tenant}.");
    }
}
