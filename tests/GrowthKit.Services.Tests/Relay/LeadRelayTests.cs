using System.Text.Json;
using GrowthKit.Leads.Leads;
using GrowthKit.Model;
using GrowthKit.Services.Tests.Infrastructure;
using Marten;

namespace GrowthKit.Services.Tests.Relay;

/// <summary>The leads service announces committed lead snapshots through the broker, from its checkpoint.</summary>
[Collection(ServersCollection.Name)]
public sealed class LeadRelayTests(TestServers servers, LeadRelayHarness harness)
    : IClassFixture<LeadRelayHarness>, IAsyncLifetime
{
    private const string RelayShard = "LeadRelay";

    public Task InitializeAsync() => harness.StartAsync(servers);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_recorded_lead_snapshot_is_published_as_LeadReceived_with_its_tenant_and_normalised_lead()
    {
        var tenant = Guid.NewGuid();
        using var document = JsonDocument.Parse("""
            {"externalId": " crm-relay ", "company": {"name": "  Acme   Logistics GmbH", "industry": "Transportation and Warehousing",
             "employeeCount": 120, "country": "us"}, "signals": ["funding_round", "funding_round"],
             "contact": {"department": "operations"}}
            """);
        var raw = document.RootElement;
        var lead = LeadNormalizer.Normalize(raw.Deserialize<Lead>(ModelJson.Options)!);
        var recorded = await RecordAsync(tenant, lead, raw);

        var (messageId, message) = Assert.Single(await harness.Inbox.WaitForAsync(recorded.LeadId));

        Assert.Equal(tenant, message.TenantId);
        Assert.Equal(recorded.LeadId, message.LeadId);
        Assert.Equal("crm-relay", message.ExternalId);
        Assert.Equal(1, message.Snapshot);
        Assert.Equal(recorded.RecordedAt, message.ReceivedAt);
        Assert.Equal(CanonicalJson.Serialize(LeadJson.ToElement(lead)), CanonicalJson.Serialize(message.Lead));
        Assert.Equal("Acme Logistics GmbH", message.Lead.GetProperty("company").GetProperty("name").GetString());
        Assert.Equal(CanonicalJson.Serialize(raw), CanonicalJson.Serialize(message.Raw));
        // The message id is the event's id, so a re-publication is recognisable as the same message.
        await using var session = harness.Store.QuerySession(tenant.ToString());
        var events = await session.Events.FetchStreamAsync(recorded.LeadId);
        Assert.Equal(Assert.Single(events).Id, messageId);
    }

    [Fact]
    public async Task After_a_clean_restart_the_relay_resumes_from_its_checkpoint_without_republishing()
    {
        var tenant = Guid.NewGuid();
        var first = await RecordAsync(tenant, Samples.IndustrySizeTriggerLead("crm-before-restart"));
        await harness.Inbox.WaitForAsync(first.LeadId);
        await CheckpointReachesLastEventAsync();

        await harness.RestartLeadsAsync();
        var second = await RecordAsync(tenant, Samples.IndustrySizeTriggerLead("crm-after-restart"));
        await harness.Inbox.WaitForAsync(second.LeadId);

        // The relay publishes in sequence order and awaits each broker confirm, and the listener takes
        // its queue in order: a re-publication of the first event would have arrived before the second.
        Assert.Single(harness.Inbox.For(first.LeadId));
        Assert.Single(harness.Inbox.For(second.LeadId));
        await CheckpointReachesLastEventAsync();
    }

    private async Task<LeadSnapshotRecorded> RecordAsync(Guid tenant, Lead lead, JsonElement? raw = null)
    {
        var recorded = new LeadSnapshotRecorded(DeterministicId.For(tenant.ToString(), lead.ExternalId!), lead.ExternalId!, 1,
            lead, raw ?? Samples.Raw(lead), DateTimeOffset.UtcNow);
        await using var session = harness.Store.LightweightSession(tenant.ToString());
        session.Events.StartStream<LeadState>(recorded.LeadId, recorded);
        await session.SaveChangesAsync();
        return recorded;
    }

    /// <summary>The relay's stored checkpoint equals the event store's last sequence.</summary>
    private async Task CheckpointReachesLastEventAsync()
    {
        var last = (await harness.Store.Advanced.FetchEventStoreStatistics()).EventSequenceNumber;
        await Eventually.Until(async () =>
            {
                var progress = await harness.Store.Advanced.AllProjectionProgress();
                return progress.SingleOrDefault(p => p.ShardName.StartsWith(RelayShard, StringComparison.Ordinal))?.Sequence;
            },
            sequence => sequence == last,
            $"the relay's checkpoint to reach sequence {last}");
    }
}
