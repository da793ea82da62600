using Dapper;
using Npgsql;

namespace GrowthKit.Refinement.Storage;

/// <summary>A lead's row in <c>refinement.leads</c>: its latest normalised snapshot, as JSON text.</summary>
public sealed record LatestLead(Guid LeadId, string ExternalId, int Snapshot, string Lead, DateTimeOffset ReceivedAt);

/// <summary>The statements over refinement's <c>leads</c> table (<see cref="RefinementDatabase.Ddl"/>).</summary>
public static class LatestLeads
{
    /// <summary>
    /// Keeps the newest snapshot of each lead in one statement; an older or repeated snapshot changes
    /// nothing. The caller gives one row per lead, in lead order, so two batches never deadlock.
    /// </summary>
    public static async Task<int> UpsertAsync(NpgsqlConnection connection, Guid tenantId, IReadOnlyList<LatestLead> leads,
        CancellationToken ct)
    {
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
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. leads.Select(l => l.LeadId)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. leads.Select(l => l.ExternalId)] });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. leads.Select(l => l.Snapshot)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. leads.Select(l => l.Lead)] });
        command.Parameters.Add(new NpgsqlParameter<DateTime[]> { TypedValue = [.. leads.Select(l => l.ReceivedAt.UtcDateTime)] });
        return await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The (id, external id) of the tenant's leads that have one of these ids or external ids.</summary>
    public static async Task<IReadOnlyList<(Guid LeadId, string ExternalId)>> FindAsync(NpgsqlConnection connection, Guid tenantId,
        Guid[] ids, string[] externalIds, CancellationToken ct) =>
        [.. await connection.QueryAsync<(Guid, string)>(new CommandDefinition($"""
            select lead_id, external_id from {RefinementDatabase.Schema}.leads
            where tenant_id = @tenantId and (lead_id = any(@ids) or external_id = any(@externalIds))
            """, new { tenantId, ids, externalIds }, cancellationToken: ct))];

    /// <summary>The latest normalised snapshot (JSON text) of each of these leads that exists.</summary>
    public static async Task<IReadOnlyList<(Guid LeadId, string Lead)>> SnapshotsAsync(NpgsqlConnection connection, Guid tenantId,
        Guid[] ids, CancellationToken ct) =>
        [.. await connection.QueryAsync<(Guid, string)>(new CommandDefinition(
            $"select lead_id, lead from {RefinementDatabase.Schema}.leads where tenant_id = @tenantId and lead_id = any(@ids)",
            new { tenantId, ids }, cancellationToken: ct))];
}
