using GrowthKit.Model;
using GrowthKit.Refinement.Leads;
using Marten;

namespace GrowthKit.Refinement.Deals;

/// <summary>The tenant's closed deals, each with its lead's latest normalised snapshot: what reports and proposals read.</summary>
public sealed class ClosedDeals(KnownLeads leads)
{
    public async Task<IReadOnlyList<ClosedDeal>> LoadAsync(IQuerySession session, Guid tenant, CancellationToken ct)
    {
        var deals = await session.Query<Deal>().ToListAsync(ct);
        var snapshots = await leads.SnapshotsAsync(tenant, [.. deals.Select(d => d.LeadId).Distinct()], ct);
        return [.. deals.Where(d => snapshots.ContainsKey(d.LeadId))
            .Select(d => new ClosedDeal(d.DealId, snapshots[d.LeadId], d.Won, d.ClosedAt))];
    }
}
