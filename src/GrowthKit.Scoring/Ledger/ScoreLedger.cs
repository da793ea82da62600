using System.Text.Json;
using GrowthKit.Model;
using GrowthKit.Scoring.Storage;
using GrowthKit.ServiceDefaults.Audit;
using Marten;
using SessionOptions = Marten.Services.SessionOptions;
using Npgsql;
using NpgsqlTypes;

namespace GrowthKit.Scoring.Ledger;

/// <summary>
/// Writes a batch to the ledger — its events on a stream of its own, and the rows that index them —
/// inside the caller's transaction, and reads ledger entries back by those rows.
/// </summary>
public static class ScoreLedger
{
    /// <summary>The score ledger's chain for auditors (see <see cref="AuditChain"/>).</summary>
    public static readonly ChainedService Chain = new("scoring", ScoringTables.Schema);

    /// <summary>Appends the batch's events through Marten on the caller's connection and transaction (Marten does not commit), and chains them.</summary>
    public static async Task AppendAsync(IDocumentStore store, NpgsqlTransaction tx, Guid tenantId, Guid streamId,
        CancellationToken ct, params object[] events)
    {
        var options = SessionOptions.ForTransaction(tx);
        options.TenantId = tenantId.ToString();
        await using var session = store.LightweightSession(options);
        session.Events.StartStream(streamId, events);
        await session.SaveChangesAsync(ct);
        await AuditChain.AppendAsync(tx.Connection!, tx, Chain.EventSchema, Chain.Name, tenantId.ToString(), [streamId], ct,
            expected: events.Length);
    }

    /// <summary>Appends to an existing or new stream (an ICP's versions) on the caller's transaction, and chains it.</summary>
    public static async Task AppendToAsync(IDocumentStore store, NpgsqlTransaction tx, Guid tenantId, Guid streamId,
        object @event, CancellationToken ct)
    {
        var options = SessionOptions.ForTransaction(tx);
        options.TenantId = tenantId.ToString();
        await using var session = store.LightweightSession(options);
        session.Events.Append(streamId, @event);
        await session.SaveChangesAsync(ct);
        await AuditChain.AppendAsync(tx.Connection!, tx, Chain.EventSchema, Chain.Name, tenantId.ToString(), [streamId], ct,
            expected: 1);
    }

    /// <summary>Fails with a unique violation (23505) when one of the snapshots was recorded before.</summary>
    public static async Task IndexSnapshotsAsync(NpgsqlConnection connection, Guid tenantId, Guid batchId,
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
    public static async Task UpsertLeadsAsync(NpgsqlConnection connection, Guid tenantId,
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

    /// <summary>
    /// Fails with a unique violation (23505) when one of the (lead, ICP, version, snapshot) was scored
    /// before: the guard that keeps exactly one score each, whoever writes it.
    /// </summary>
    public static async Task IndexScoresAsync(NpgsqlConnection connection, Guid tenantId, Guid batchId,
        IReadOnlyList<LeadScored> scores, CancellationToken ct)
    {
        await using var writer = await connection.BeginBinaryImportAsync($"""
            copy {ScoringTables.Schema}.lead_scores (tenant_id, lead_id, icp_id, icp_version, snapshot, score, tier,
              disqualified_key, disqualified_reason, model_version, input_hash, scored_at, batch_id, pos)
            from stdin (format binary)
            """, ct);
        for (var pos = 0; pos < scores.Count; pos++)
        {
            var s = scores[pos];
            await writer.StartRowAsync(ct);
            await writer.WriteAsync(tenantId, NpgsqlDbType.Uuid, ct);
            await writer.WriteAsync(s.LeadId, NpgsqlDbType.Uuid, ct);
            await writer.WriteAsync(s.IcpId, NpgsqlDbType.Uuid, ct);
            await writer.WriteAsync(s.IcpVersion, NpgsqlDbType.Integer, ct);
            await writer.WriteAsync(s.Snapshot, NpgsqlDbType.Integer, ct);
            await writer.WriteAsync(s.Score, NpgsqlDbType.Numeric, ct);
            await writer.WriteAsync(s.Tier, NpgsqlDbType.Text, ct);
            if (s.DisqualifiedBy is { } dq)
            {
                await writer.WriteAsync(dq.Key, NpgsqlDbType.Text, ct);
                await writer.WriteAsync(dq.Reason, NpgsqlDbType.Text, ct);
            }
            else
            {
                await writer.WriteNullAsync(ct);
                await writer.WriteNullAsync(ct);
            }
            await writer.WriteAsync(s.ModelVersion, NpgsqlDbType.Text, ct);
            await writer.WriteAsync(s.InputHash, NpgsqlDbType.Text, ct);
            await writer.WriteAsync(s.ScoredAt.UtcDateTime, NpgsqlDbType.TimestampTz, ct);
            await writer.WriteAsync(batchId, NpgsqlDbType.Uuid, ct);
            await writer.WriteAsync(pos, NpgsqlDbType.Integer, ct);
        }
        await writer.CompleteAsync(ct);
    }

    /// <summary>The ledger entries at these places (stream, position), in the order asked for.</summary>
    public static Task<IReadOnlyList<LeadScored>> ReadScoresAsync(NpgsqlConnection connection, Guid tenantId,
        IReadOnlyList<(Guid BatchId, int Pos)> places, CancellationToken ct) =>
        ReadEntriesAsync<LeadScored>(connection, tenantId, LedgerEventTypes.LeadsScored, "scores", places, ct);

    public static Task<IReadOnlyList<LeadSnapshot>> ReadSnapshotsAsync(NpgsqlConnection connection, Guid tenantId,
        IReadOnlyList<(Guid BatchId, int Pos)> places, CancellationToken ct) =>
        ReadEntriesAsync<LeadSnapshot>(connection, tenantId, LedgerEventTypes.LeadSnapshotsRecorded, "snapshots", places, ct);

    // Picks single entries out of the batch events in Postgres, so a read never ships a whole batch.
    private static async Task<IReadOnlyList<T>> ReadEntriesAsync<T>(NpgsqlConnection connection, Guid tenantId,
        string eventType, string member, IReadOnlyList<(Guid BatchId, int Pos)> places, CancellationToken ct)
    {
        if (places.Count == 0) return [];
        await using var command = new NpgsqlCommand($"""
            select e.data -> '{member}' -> k.pos
            from unnest($2::uuid[], $3::int[]) with ordinality as k(batch_id, pos, i)
            join {ScoringTables.Schema}.mt_events e on e.stream_id = k.batch_id and e.tenant_id = $1 and e.type = $4
            order by k.i
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = tenantId.ToString() });
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = [.. places.Select(p => p.BatchId)] });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. places.Select(p => p.Pos)] });
        command.Parameters.Add(new NpgsqlParameter<string> { TypedValue = eventType });
        var entries = new List<T>(places.Count);
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            entries.Add(JsonSerializer.Deserialize<T>(reader.GetString(0), ModelJson.Options)
                        ?? throw new InvalidOperationException($"An empty {member} entry in the ledger."));
        }
        if (entries.Count != places.Count)
        {
            throw new InvalidOperationException($"{places.Count - entries.Count} indexed {member} entries are missing from the ledger.");
        }
        return entries;
    }
}
