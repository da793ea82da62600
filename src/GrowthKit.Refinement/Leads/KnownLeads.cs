using System.Text.Json;
using GrowthKit.Contracts;
using GrowthKit.Refinement.Storage;

namespace GrowthKit.Refinement.Leads;

/// <summary>A lead as refinement knows it: its latest normalised snapshot.</summary>
public sealed record KnownLead(Guid LeadId, string ExternalId, int Snapshot, JsonElement Lead);

/// <summary>Reads and writes refinement's view of the tenant's leads.</summary>
public sealed class KnownLeads(RefinementDatabase database)
{
    /// <summary>
    /// Keeps the newest snapshot of each lead in one statement; an older or repeated snapshot (a
    /// redelivery, a relay re-publishing a page) changes nothing. Rows are written in lead order so
    /// two batches never deadlock.
    /// </summary>
    public async Task<int> RecordAsync(Guid tenantId, IReadOnlyList<LeadReceived> leads, CancellationToken ct)
    {
        var newest = leads.GroupBy(l => l.LeadId).Select(g => g.MaxBy(l => l.Snapshot)!)
            .OrderBy(l => l.LeadId).ToList();
        if (newest.Count == 0) return 0;
        await using var connection = await database.OpenAsync(ct);
        return await LatestLeads.UpsertAsync(connection, tenantId,
            [.. newest.Select(l => new LatestLead(l.LeadId, l.ExternalId, l.Snapshot, l.Lead.GetRawText(), l.ReceivedAt))], ct);
    }

    /// <summary>Lead ids by id or external id, for the leads the tenant sent; unknown ones are absent.</summary>
    public async Task<(Dictionary<Guid, string> ById, Dictionary<string, Guid> ByExternalId)> FindAsync(Guid tenantId,
        IReadOnlyCollection<Guid> ids, IReadOnlyCollection<string> externalIds, CancellationToken ct)
    {
        var byId = new Dictionary<Guid, string>();
        var byExternalId = new Dictionary<string, Guid>(StringComparer.Ordinal);
        if (ids.Count == 0 && externalIds.Count == 0) return (byId, byExternalId);
        await using var connection = await database.OpenAsync(ct);
        foreach (var (id, externalId) in await LatestLeads.FindAsync(connection, tenantId, [.. ids], [.. externalIds], ct))
        {
            byId[id] = externalId;
            byExternalId[externalId] = id;
        }
        return (byId, byExternalId);
    }

    /// <summary>The latest normalised snapshots of these leads.</summary>
    public async Task<Dictionary<Guid, JsonElement>> SnapshotsAsync(Guid tenantId, IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        var leads = new Dictionary<Guid, JsonElement>();
        if (ids.Count == 0) return leads;
        await using var connection = await database.OpenAsync(ct);
        foreach (var (id, lead) in await LatestLeads.SnapshotsAsync(connection, tenantId, [.. ids], ct))
        {
            using var document = JsonDocument.Parse(lead);
            leads[id] = document.RootElement.Clone();
        }
        return leads;
    }
}
