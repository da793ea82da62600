using Dapper;
using GrowthKit.Scoring.Ledger;
using Npgsql;
using NpgsqlTypes;

namespace GrowthKit.Scoring.Storage;

/// <summary>
/// Each lead's current snapshot (<c>leads</c>) and where every snapshot was recorded in the ledger
/// (<c>lead_snapshots</c>).
/// </summary>
public static class LeadSnapshots
{
    /// <summary>The current snapshot number of each of these leads scoring knows.</summary>
    public static async Task<Dictionary<Guid, int>> CurrentNumbersAsync(NpgsqlConnection connection, Guid tenantId,
        Guid[] leadIds, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"select lead_id, snapshot from {ScoringTables.Schema}.leads where tenant_id = $1 and lead_id = any($2)", connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = leadIds });
        var known = new Dictionary<Guid, int>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) known[reader.GetGuid(0)] = reader.GetInt32(1);
        return known;
    }

    /// <summary>Fails with a unique violation (23505) when one of the snapshots was recorded before.</summary>
    public static async Task IndexAsync(NpgsqlConnection connection, Guid tenantId, Guid batchId,
        IReadOnlyList<LeadSnapshot> snapshots, CancellationToken ct)
    {
        await using var writer = await connection.BeginBinaryImportAsync(
            $"copy {ScoringTables.Schema}.lead_snapshots (tenant_id, lead_id, snapshot, batch_id, pos) from stdin (format binary)", ct);
        for (var pos = 0; pos < snapshots.Count; pos++)
        {
            await writer.StartRowAsync(ct);
            await writer.WriteAsync(tenantId, NpgsqlDbType.Uuid, ct);
            await writer.WriteAsync(snapshots[pos].LeadId, NpgsqlDbType.Uuid, ct);
            await writer.WriteAsync(snapshots[pos].Snapshot, NpgsqlDbType.Integer, ct);
            await writer.WriteAsync(batchId, NpgsqlDbType.Uuid, ct);
            await writer.WriteAsync(pos, NpgsqlDbType.Integer, ct);
        }
        await writer.CompleteAsync(ct);
    }

    /// <summary>Makes each snapshot its lead's current one, unless a newer one is current already.</summary>
    public static async Task UpsertCurrentAsync(NpgsqlConnection connection, Guid tenantId,
        IReadOnlyList<(LeadSnapshot Snapshot, string Lead, string LeadCanonical)> leads, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"""
            insert into {ScoringTables.Schema}.leads (tenant_id, lead_id, external_id, snapshot, lead, lead_canonical, received_at)
            select $1, u.* from unnest($2::uuid[], $3::text[], $4::int[], $5::text[], $6::text[], $7::timestamptz[]) as u
            on conflict (tenant_id, lead_id) do update
              set external_id = excluded.external_id, snapshot = excluded.snapshot, lead = excluded.lead,
                  lead_canonical = excluded.lead_canonical, received_at = excluded.received_at
              where {ScoringTables.Schema}.leads.snapshot < excluded.snapshot
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. leads.Select(l => l.Snapshot.LeadId)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. leads.Select(l => l.Snapshot.ExternalId)] });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. leads.Select(l => l.Snapshot.Snapshot)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. leads.Select(l => l.Lead)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. leads.Select(l => l.LeadCanonical)] });
        command.Parameters.Add(new NpgsqlParameter<DateTime[]>
        {
            TypedValue = [.. leads.Select(l => l.Snapshot.ReceivedAt.UtcDateTime)],
        });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>Whether scoring knows the lead.</summary>
    public static async Task<bool> LeadExistsAsync(NpgsqlConnection connection, Guid tenantId, Guid leadId, CancellationToken ct) =>
        await connection.ExecuteScalarAsync<int?>(new CommandDefinition(
            $"select 1 from {ScoringTables.Schema}.leads where tenant_id = @tenantId and lead_id = @leadId",
            new { tenantId, leadId }, cancellationToken: ct)) is not null;

    public static async Task<bool> SnapshotExistsAsync(NpgsqlConnection connection, Guid tenantId, Guid leadId, int snapshot,
        CancellationToken ct) =>
        await PlaceAsync(connection, tenantId, leadId, snapshot, ct) is not null;

    /// <summary>Where a snapshot was recorded: its batch's stream and its position in the batch's event.</summary>
    public static async Task<(Guid BatchId, int Pos)?> PlaceAsync(NpgsqlConnection connection, Guid tenantId, Guid leadId,
        int snapshot, CancellationToken ct) =>
        (await connection.QueryAsync<(Guid, int)>(new CommandDefinition($"""
            select batch_id, pos from {ScoringTables.Schema}.lead_snapshots
            where tenant_id = @tenantId and lead_id = @leadId and snapshot = @snapshot
            """, new { tenantId, leadId, snapshot }, cancellationToken: ct))).Cast<(Guid, int)?>().FirstOrDefault();

    /// <summary>A lead's id and where its current snapshot was recorded, found by its id.</summary>
    public static Task<(Guid LeadId, Guid BatchId, int Pos)?> CurrentAsync(NpgsqlConnection connection, Guid tenantId, Guid leadId,
        CancellationToken ct) =>
        CurrentAsync(connection, "l.lead_id = @key", tenantId, leadId, ct);

    /// <summary>The same, found by the lead's external id.</summary>
    public static Task<(Guid LeadId, Guid BatchId, int Pos)?> CurrentAsync(NpgsqlConnection connection, Guid tenantId,
        string externalId, CancellationToken ct) =>
        CurrentAsync(connection, "l.external_id = @key", tenantId, externalId, ct);

    private static async Task<(Guid LeadId, Guid BatchId, int Pos)?> CurrentAsync<TKey>(NpgsqlConnection connection, string match,
        Guid tenantId, TKey key, CancellationToken ct) =>
        (await connection.QueryAsync<(Guid, Guid, int)>(new CommandDefinition($"""
            select l.lead_id, s.batch_id, s.pos
            from {ScoringTables.Schema}.leads l
            join {ScoringTables.Schema}.lead_snapshots s
              on s.tenant_id = l.tenant_id and s.lead_id = l.lead_id and s.snapshot = l.snapshot
            where l.tenant_id = @tenantId and {match}
            limit 1
            """, new { tenantId, key }, cancellationToken: ct))).Cast<(Guid, Guid, int)?>().FirstOrDefault();
}
