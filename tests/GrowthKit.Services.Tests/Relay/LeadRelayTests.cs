using System.Globalization;
using System.Text.Json;
using GrowthKit.Contracts;
using GrowthKit.Leads;
using GrowthKit.Model;
using GrowthKit.Services.Tests.Infrastructure;
using Marten;

namespace GrowthKit.Services.Tests.Relay;

/// <summary>
/// The leads service announces committed lead snapshots through the broker, from its checkpoint:
/// one <see cref="LeadsReceived"/> per relayed page and tenant.
/// </summary>
[Collection(ServersCollection.Name)]
public sealed class LeadRelayTests(TestServers servers, LeadRelayHarness harness)
    : IClassFixture<LeadRelayHarness>, IAsyncLifetime
{
    private const string RelayShard = "LeadRelay";

    public Task InitializeAsync() => harness.StartAsync(servers);

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_recorded_lead_snapshot_is_published_in_LeadsReceived_with_its_tenant_and_normalised_lead()
    {
        var tenant = Guid.NewGuid();
        using var document = JsonDocument.Parse("""
            {"externalId": " crm-relay ", "company": {"name": "  Acme   Logistics GmbH", "industry": "logistics",
             "employeeCount": "51-200", "country": "Germany"}, "signals": ["funding_round", "funding_round"],
             "contact": {"department": "operations"}}
            """);
        var raw = document.RootElement;
        var lead = LeadNormalizer.Normalize(raw.Deserialize<Lead>(ModelJson.Options)!);
        var recorded = await RecordAsync(tenant, [lead], raw);

        var (messageId, message) = Assert.Single(await harness.Inbox.WaitForAsync(recorded[0].LeadId));

        Assert.Equal(tenant, message.TenantId);
        Assert.Equal(recorded[0].LeadId, message.LeadId);
        Assert.Equal("crm-relay", message.ExternalId);
        Assert.Equal(1, message.Snapshot);
        Assert.Equal(recorded[0].RecordedAt, message.ReceivedAt);
        Assert.Equal(CanonicalJson.Serialize(LeadJson.ToElement(lead)), CanonicalJson.Serialize(message.Lead));
        var company = message.Lead.GetProperty("company");
        Assert.Equal("Acme Logistics GmbH", company.GetProperty("name").GetString());
        Assert.Equal("DE", company.GetProperty("country").GetString());
        Assert.Equal("Transportation and Warehousing", company.GetProperty("industry").GetString());
        Assert.Equal(125, company.GetProperty("employeeCount").GetDecimal());
        Assert.Equal(CanonicalJson.Serialize(raw), CanonicalJson.Serialize(message.Raw));

        // The message id derives from the tenant and the events it carries, so a re-publication of the
        // same page is recognisable as the same message.
        var envelope = Assert.Single(harness.Inbox.ForTenant(tenant));
        Assert.Equal(tenant, envelope.Message.TenantId);
        await using var session = harness.Store.QuerySession(tenant.ToString());
        var sequence = Assert.Single(await session.Events.FetchStreamAsync(recorded[0].LeadId)).Sequence
            .ToString(CultureInfo.InvariantCulture);
        Assert.Equal(DeterministicId.For(nameof(LeadsReceived), tenant.ToString(), sequence, sequence), messageId);
    }

    [Fact]
    public async Task Snapshots_committed_together_are_announced_in_one_message_per_tenant()
    {
        var first = Guid.NewGuid();
        var second = Guid.NewGuid();
        var leads = Enumerable.Range(1, 3).Select(i => Samples.IndustrySizeTriggerLead($"crm-together-{i}")).ToList();
        await using (var session = harness.Store.LightweightSession(first.ToString()))
        {
            foreach (var (tenant, lead) in leads.Select(l => (first, l)).Concat(leads.Take(2).Select(l => (second, l))))
            {
                var snapshot = Snapshot(tenant, lead, 1);
                session.ForTenant(tenant.ToString()).Events.StartStream<LeadState>(snapshot.LeadId, snapshot);
            }
            await session.SaveChangesAsync();
        }

        var firstMessages = await harness.Inbox.WaitForTenantAsync(first, 3);
        var secondMessages = await harness.Inbox.WaitForTenantAsync(second, 2);

        var one = Assert.Single(firstMessages).Message;
        Assert.Equal(["crm-together-1", "crm-together-2", "crm-together-3"], one.Leads.Select(l => l.ExternalId));
        Assert.All(one.Leads, l => Assert.Equal(first, l.TenantId));
        var other = Assert.Single(secondMessages);
        Assert.Equal(["crm-together-1", "crm-together-2"], other.Message.Leads.Select(l => l.ExternalId));
        Assert.All(other.Message.Leads, l => Assert.Equal(second, l.TenantId));
        Assert.NotEqual(firstMessages[0].MessageId, other.MessageId);
    }

    [Fact]
    public async Task A_large_write_is_announced_in_pages_of_at_most_the_page_size_each_snapshot_once()
    {
        var tenant = Guid.NewGuid();
        var leads = Enumerable.Range(1, 1200).Select(i => Samples.IndustrySizeTriggerLead($"crm-page-{i}")).ToList();
        var recorded = await RecordAsync(tenant, leads);

        var messages = await harness.Inbox.WaitForTenantAsync(tenant, recorded.Count);
        await CheckpointReachesLastEventAsync();

        Assert.InRange(messages.Count, (int)Math.Ceiling(1200.0 / LeadRelay.PageSize), 1200);
        Assert.All(messages, m => Assert.InRange(m.Message.Leads.Count, 1, LeadRelay.PageSize));
        var announced = messages.SelectMany(m => m.Message.Leads).Select(l => l.LeadId).ToList();
        Assert.Equal(recorded.Select(r => r.LeadId), announced);
        Assert.Equal(messages.Count, messages.Select(m => m.MessageId).Distinct().Count());
    }

    [Fact]
    public async Task After_a_clean_restart_the_relay_resumes_from_its_checkpoint_without_republishing()
    {
        var tenant = Guid.NewGuid();
        var first = await RecordAsync(tenant, [Samples.IndustrySizeTriggerLead("crm-before-restart")]);
        await harness.Inbox.WaitForAsync(first[0].LeadId);
        await CheckpointReachesLastEventAsync();

        await harness.RestartLeadsAsync();
        var second = await RecordAsync(tenant, [Samples.IndustrySizeTriggerLead("crm-after-restart")]);
        await harness.Inbox.WaitForAsync(second[0].LeadId);

        // The relay publishes in sequence order and awaits each broker confirm, and the listener takes
        // its queue in order: a re-publication of the first event would have arrived before the second.
        Assert.Single(harness.Inbox.For(first[0].LeadId));
        Assert.Single(harness.Inbox.For(second[0].LeadId));
        await CheckpointReachesLastEventAsync();
    }

    private static LeadSnapshotRecorded Snapshot(Guid tenant, Lead lead, int snapshot, JsonElement? raw = null) =>
        new(DeterministicId.For(tenant.ToString(), lead.ExternalId!), lead.ExternalId!, snapshot,
            lead, raw ?? Samples.Raw(lead), DateTimeOffset.UtcNow);

    /// <summary>Starts one stream per lead, all in one transaction.</summary>
    private async Task<IReadOnlyList<LeadSnapshotRecorded>> RecordAsync(Guid tenant, IReadOnlyList<Lead> leads, JsonElement? raw = null)
    {
        var recorded = leads.Select(lead => Snapshot(tenant, lead, 1, raw)).ToList();
        await using var session = harness.Store.LightweightSession(tenant.ToString());
        foreach (var snapshot in recorded) session.Events.StartStream<LeadState>(snapshot.LeadId, snapshot);
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
