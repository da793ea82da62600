using GrowthKit.Leads;
using GrowthKit.Leads.Receiving;
using GrowthKit.Model;

namespace GrowthKit.Services.Tests.Deciders;

/// <summary>Given events, when a command, then events: one lead per external id, a snapshot per change.</summary>
public sealed class LeadDeciderTests
{
    private static readonly Guid LeadId = DeterministicId.For(Guid.Empty.ToString(), "crm-4711");
    private static readonly DateTimeOffset Now = new(2026, 2, 1, 8, 0, 0, TimeSpan.Zero);

    private static ReceiveLead Receive(Lead lead) => new(LeadId, LeadNormalizer.Normalize(lead), Samples.Raw(lead));

    private static LeadSnapshotRecorded Recorded(int snapshot, Lead lead) =>
        new(LeadId, lead.ExternalId!, snapshot, LeadNormalizer.Normalize(lead), Samples.Raw(lead), Now.AddDays(-snapshot));

    /// <summary>The state Marten builds from the lead's stream.</summary>
    private static LeadState Given(LeadSnapshotRecorded first, params LeadSnapshotRecorded[] rest) =>
        rest.Aggregate(LeadState.Create(first), (state, e) => state.Apply(e));

    [Fact]
    public void A_new_lead_is_recorded_as_snapshot_1()
    {
        var lead = Samples.IndustrySizeTriggerLead("crm-4711");
        var command = Receive(lead);

        var recorded = ReceiveLeadFeature.Decide(command, state: null, Now);

        Assert.NotNull(recorded);
        Assert.Equal(LeadId, recorded.LeadId);
        Assert.Equal("crm-4711", recorded.ExternalId);
        Assert.Equal(1, recorded.Snapshot);
        Assert.Same(command.Lead, recorded.Lead);
        Assert.Equal(Now, recorded.RecordedAt);
    }

    [Fact]
    public void The_same_lead_after_normalisation_records_nothing()
    {
        var lead = Samples.IndustrySizeTriggerLead("crm-4711");
        var state = Given(Recorded(1, lead));
        // Differs only in spacing and repeated terms, which normalisation removes.
        var resent = lead with
        {
            ExternalId = "  crm-4711 ",
            Company = lead.Company! with { Name = "Acme   Logistics  GmbH ", Country = "us" },
            Signals = ["funding_round", " funding_round"],
        };

        Assert.Null(ReceiveLeadFeature.Decide(Receive(resent), state, Now));
    }

    [Fact]
    public void A_changed_lead_is_recorded_as_the_next_snapshot()
    {
        var first = Samples.IndustrySizeTriggerLead("crm-4711");
        var second = Samples.IndustrySizeTriggerSalesLead("crm-4711");
        var state = Given(Recorded(1, first), Recorded(2, second));
        var third = first with { PainPoints = ["manual_dispatch"] };

        var recorded = ReceiveLeadFeature.Decide(Receive(third), state, Now);

        Assert.NotNull(recorded);
        Assert.Equal(3, recorded.Snapshot);
        Assert.Equal(["manual_dispatch"], recorded.Lead.PainPoints!);
    }

    [Fact]
    public void Going_back_to_an_earlier_version_of_the_lead_is_a_new_snapshot()
    {
        // Only the latest snapshot counts: data equal to snapshot 1 but not to snapshot 2 is a change.
        var first = Samples.IndustrySizeTriggerLead("crm-4711");
        var state = Given(Recorded(1, first), Recorded(2, Samples.IndustrySizeTriggerSalesLead("crm-4711")));

        var recorded = ReceiveLeadFeature.Decide(Receive(first), state, Now);

        Assert.Equal(3, recorded?.Snapshot);
    }
}
