using GrowthKit.Model;

namespace GrowthKit.Leads;

public sealed record LeadState(Guid Id, string ExternalId, int Snapshot, Lead Lead)
{
    public static LeadState Create(LeadSnapshotRecorded e) => new(e.LeadId, e.ExternalId, e.Snapshot, e.Lead);

    public LeadState Apply(LeadSnapshotRecorded e) => this with { Snapshot = e.Snapshot, Lead = e.Lead };
}
