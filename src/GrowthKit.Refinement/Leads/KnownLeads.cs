using System.Text.Json;
using GrowthKit.Contracts;
using GrowthKit.Refinement.Storage;
using Npgsql;

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
        await using var command = new NpgsqlCommand($"""
            insert into {RefinementDatabase.Schema}.leads as l (tenant_id, lead_id, external_id, snapshot, lead, received_at)
            select $1, n.lead_id, n.external_id, n.snapshot, n.lead, n.received_at
            from unnest($2::uuid[], $3::text[], $4::int[], $5::text[], $6::timestamptz[])
                 as n(lead_id, external_id, snapshot, lead, received_at)
            on conflict (tenant_id, lead_id) do update
                set external_id = excluded.external_id, snapshot = excluded.snapshot,
                    lead = excluded.lead, received_at = excluded.received_at
                where l.snapshot < excluded.snapshot
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. newest.Select(l => l.LeadId)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. newest.Select(l => l.ExternalId)] });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. newest.Select(l => l.Snapshot)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. newest.Select(l => l.Lead.GetRawText())] });
        command.Parameters.Add(new NpgsqlParameter<DateTime[]> { TypedValue = [.. newest.Select(l => l.ReceivedAt.UtcDateTime)] });
        return await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Lead ids by id or external id, for the leads the tenant sent; unknown ones are absent.</summary>
    public async Task<(Dictionary<Guid, string> ById, Dictionary<string, Guid> ByExternalId)> FindAsync(Guid tenantId,
        IReadOnlyCollection<Guid> ids, IReadOnlyCollection<string> externalIds, CancellationToken ct)
    {
        var byId = new Dictionary<Guid, string>();
        var byExternalId = new Dictionary<string, Guid>(StringComparer.Ordinal);
        if (ids.Count == 0 && externalIds.Count == 0) return (byId, byExternalId);
        await using var connection = await database.OpenAsync(ct);
        await using var command = new NpgsqlCommand($"""
            select lead_id, external_id from {RefinementDatabase.Schema}.leads
            where tenant_id = $1 and (lead_id = any($2) or external_id = any($3))
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. ids] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. externalIds] });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            byId[reader.GetGuid(0)] = reader.GetString(1);
            byExternalId[reader.GetString(1)] = reader.GetGuid(0);
        }
        return (byId, byExternalId);
    }

    /// <summary>The latest normalised snapshots of these leads.</summary>
    public async Task<Dictionary<Guid, JsonElement>> SnapshotsAsync(Guid tenantId, IReadOnlyCollection<Guid> ids, CancellationToken ct)
    {
        var leads = new Dictionary<Guid, JsonElement>();
        if (ids.Count == 0) return leads;
        await using var connection = await database.OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            $"select lead_id, lead from {RefinementDatabase.Schema}.leads where tenant_id = $1 and lead_id = any($2)", connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. ids] });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            using var document = JsonDocument.Parse(reader.GetString(1));
            leads[reader.GetGuid(0)] = document.RootElement.Clone();
        }
        return leads;
    }
}
