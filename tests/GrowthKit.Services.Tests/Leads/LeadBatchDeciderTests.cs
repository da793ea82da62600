using GrowthKit.Leads;
using GrowthKit.Leads.Receiving;
using GrowthKit.Model;

namespace GrowthKit.Services.Tests.Leads;

/// <summary>Given the leads' states, when a batch, then the snapshots it records: as if pushed one by one, in order.</summary>
public sealed class LeadBatchDeciderTests
{
    private static readonly Guid Tenant = Guid.NewGuid();
    private static readonly DateTimeOffset Now = new(2026, 2, 1, 8, 0, 0, TimeSpan.Zero);

    private static ReceiveLead Receive(Lead lead)
    {
        var normalised = LeadNormalizer.Normalize(lead);
        return new ReceiveLead(DeterministicId.For(Tenant.ToString(), normalised.ExternalId!), normalised, Samples.Raw(lead));
    }

    private static Dictionary<Guid, LeadState> Given(params Lead[] leads) =>
        leads.Select(l => Receive(l))
            .ToDictionary(c => c.LeadId, c => LeadState.Create(ReceiveLeadFeature.Decide(c, null, Now.AddDays(-1))!));

    [Fact]
    public void New_leads_are_recorded_as_snapshot_1_each_in_batch_order()
    {
        var leads = Enumerable.Range(1, 3).Select(i => Samples.IndustrySizeTriggerLead($"crm-{i}")).ToList();

        var recorded = ReceiveLeadBatchFeature.Decide(leads.Select(Receive), new Dictionary<Guid, LeadState>(), Now);

        Assert.Equal(["crm-1", "crm-2", "crm-3"], recorded.Select(r => r.ExternalId));
        Assert.All(recorded, r => Assert.Equal(1, r.Snapshot));
        Assert.All(recorded, r => Assert.Equal(Now, r.RecordedAt));
    }

    [Fact]
    public void Known_unchanged_leads_record_nothing_and_changed_ones_their_next_snapshot()
    {
        var unchanged = Samples.IndustrySizeTriggerLead("crm-same");
        var changed = Samples.IndustrySizeTriggerLead("crm-changed");
        var states = Given(unchanged, changed);

        var recorded = ReceiveLeadBatchFeature.Decide(
            [Receive(unchanged), Receive(Samples.IndustrySizeTriggerSalesLead("crm-changed")), Receive(Samples.IndustrySizeTriggerLead("crm-new"))],
            states, Now);

        Assert.Equal([("crm-changed", 2), ("crm-new", 1)], recorded.Select(r => (r.ExternalId, r.Snapshot)));
    }

    [Fact]
    public void A_lead_repeated_unchanged_in_one_batch_is_recorded_once()
    {
        var lead = Samples.IndustrySizeTriggerLead("crm-twice");
        var respaced = lead with { ExternalId = " crm-twice ", Company = lead.Company! with { Name = "Acme  Logistics GmbH" } };

        var recorded = ReceiveLeadBatchFeature.Decide([Receive(lead), Receive(respaced)], new Dictionary<Guid, LeadState>(), Now);

        Assert.Equal(1, Assert.Single(recorded).Snapshot);
    }

    [Fact]
    public void A_lead_repeated_changed_in_one_batch_is_recorded_as_the_next_snapshot_the_later_copy_last()
    {
        var first = Samples.IndustrySizeTriggerLead("crm-twice");
        var second = Samples.IndustrySizeTriggerSalesLead("crm-twice");

        var recorded = ReceiveLeadBatchFeature.Decide([Receive(first), Receive(second), Receive(second)], Given(), Now);

        Assert.Equal([1, 2], recorded.Select(r => r.Snapshot));
        Assert.Equal("sales", recorded[^1].Lead.Contact!.Department);
        Assert.All(recorded, r => Assert.Equal(recorded[0].LeadId, r.LeadId));
    }

    [Fact]
    public void An_empty_batch_records_nothing()
    {
        Assert.Empty(ReceiveLeadBatchFeature.Decide([], Given(Samples.IndustrySizeTriggerLead("crm-1")), Now));
    }
}
