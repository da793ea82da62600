using System.Text.Json;
using GrowthKit.Model.Audit;
using Npgsql;

namespace GrowthKit.Platform.Persistence.Audit;

/// <summary>
/// Appends events to their tenant's hash chain inside the transaction that stored them. The chain
/// head's row is locked first, so two transactions of one tenant chain one after the other and the
/// chain never forks; the events are read back from <c>mt_events</c> as stored, so what is hashed is
/// exactly what a later verification reads.
/// </summary>
public static class AuditChain
{
    /// <summary>
    /// Chains this transaction's not-yet-chained events of these streams (in the order they were stored).
    /// Events are told by the transaction that inserted them (<c>xmin</c>): one inserted under a savepoint
    /// carries the subtransaction's id instead, so give <paramref name="expected"/> to have such an append
    /// fail loudly rather than leave events outside the chain.
    /// </summary>
    public static async Task<int> AppendAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string eventSchema,
        string service, string tenantId, IReadOnlyCollection<Guid> streamIds, CancellationToken ct, int? expected = null)
    {
        var chained = await ChainAsync(connection, tx, eventSchema, service, tenantId, """
            e.stream_id = any(@streams) and e.xmin = pg_current_xact_id()::xid
            """, c => c.Parameters.Add(new NpgsqlParameter<Guid[]>("streams", [.. streamIds])), backfilled: false, ct);
        if (expected is { } count && chained != count)
        {
            throw new InvalidOperationException(
                $"{count} events were appended but {chained} could be chained: were they appended under a savepoint?");
        }
        return chained;
    }

    /// <summary>Chains every event of the tenant not chained yet, oldest first: the one-time build over existing data.</summary>
    public static Task<int> BackfillTenantAsync(NpgsqlConnection connection, NpgsqlTransaction tx, string eventSchema,
        string service, string tenantId, CancellationToken ct) =>
        ChainAsync(connection, tx, eventSchema, service, tenantId, $"not ({AuditVerifier.TombstoneFilter})", _ => { },
            backfilled: true, ct);

    private static async Task<int> ChainAsync(NpgsqlConnection connection, NpgsqlTransaction? tx, string eventSchema,
        string service, string tenantId, string filter, Action<NpgsqlCommand> parameters, bool backfilled, CancellationToken ct)
    {
        var (position, hash) = await LockHeadAsync(connection, tx, service, tenantId, ct);

        var links = new List<(long Seq, Guid Stream, long Version, string Type, string? Who, string? Why, string Prev, string Hash)>();
        await using (var read = new NpgsqlCommand($"""
            select e.seq_id, e.stream_id, e.version, e.type, e.timestamp, e.data::text
            from {eventSchema}.mt_events e
            where e.tenant_id = @tenant and {filter}
              and not exists (select 1 from {AuditTables.Schema}.chain c where c.service = @service and c.event_seq = e.seq_id)
            order by e.seq_id
            """, connection, tx))
        {
            read.Parameters.Add(new NpgsqlParameter<string>("tenant", tenantId));
            read.Parameters.Add(new NpgsqlParameter<string>("service", service));
            parameters(read);
            await using var reader = await read.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                using var data = JsonDocument.Parse(reader.GetString(5));
                var (who, why) = ChainLink.Attribution(data.RootElement, service);
                var link = new ChainLink(reader.GetString(3), reader.GetGuid(1), reader.GetInt64(2),
                    ChainLink.FormatTimestamp(reader.GetFieldValue<DateTimeOffset>(4)), who, why, data.RootElement, hash);
                var next = link.Hash();
                links.Add((reader.GetInt64(0), link.Stream, link.Version, link.Type, who, why, hash, next));
                hash = next;
            }
        }
        if (links.Count == 0) return 0;

        await using (var insert = new NpgsqlCommand($"""
            insert into {AuditTables.Schema}.chain
              (tenant_id, service, position, event_seq, stream_id, version, type, who, why, prev_hash, hash, backfilled)
            select @tenant, @service, @first + u.i - 1, u.seq, u.stream, u.version, u.type, u.who, u.why, u.prev, u.hash, @backfilled
            from unnest(@seqs, @streams, @versions, @types, @whos, @whys, @prevs, @hashes)
              with ordinality as u(seq, stream, version, type, who, why, prev, hash, i);
            update {AuditTables.Schema}.chain_heads set position = @last, hash = @hash
            where tenant_id = @tenant and service = @service;
            """, connection, tx))
        {
            insert.Parameters.Add(new NpgsqlParameter<string>("tenant", tenantId));
            insert.Parameters.Add(new NpgsqlParameter<string>("service", service));
            insert.Parameters.Add(new NpgsqlParameter<long>("first", position + 1));
            insert.Parameters.Add(new NpgsqlParameter<long>("last", position + links.Count));
            insert.Parameters.Add(new NpgsqlParameter<string>("hash", hash));
            insert.Parameters.Add(new NpgsqlParameter<bool>("backfilled", backfilled));
            insert.Parameters.Add(new NpgsqlParameter<long[]>("seqs", [.. links.Select(l => l.Seq)]));
            insert.Parameters.Add(new NpgsqlParameter<Guid[]>("streams", [.. links.Select(l => l.Stream)]));
            insert.Parameters.Add(new NpgsqlParameter<long[]>("versions", [.. links.Select(l => l.Version)]));
            insert.Parameters.Add(new NpgsqlParameter<string[]>("types", [.. links.Select(l => l.Type)]));
            insert.Parameters.Add(new NpgsqlParameter<string?[]>("whos", [.. links.Select(l => l.Who)]));
            insert.Parameters.Add(new NpgsqlParameter<string?[]>("whys", [.. links.Select(l => l.Why)]));
            insert.Parameters.Add(new NpgsqlParameter<string[]>("prevs", [.. links.Select(l => l.Prev)]));
            insert.Parameters.Add(new NpgsqlParameter<string[]>("hashes", [.. links.Select(l => l.Hash)]));
            await insert.ExecuteNonQueryAsync(ct);
        }
        return links.Count;
    }

    /// <summary>Creates the tenant's head at genesis if it has none, then locks it until the transaction ends.</summary>
    private static async Task<(long Position, string Hash)> LockHeadAsync(NpgsqlConnection connection, NpgsqlTransaction? tx,
        string service, string tenantId, CancellationToken ct)
    {
        await using (var create = new NpgsqlCommand($"""
            insert into {AuditTables.Schema}.chain_heads (tenant_id, service, position, hash)
            values (@tenant, @service, 0, @genesis) on conflict do nothing
            """, connection, tx))
        {
            create.Parameters.Add(new NpgsqlParameter<string>("tenant", tenantId));
            create.Parameters.Add(new NpgsqlParameter<string>("service", service));
            create.Parameters.Add(new NpgsqlParameter<string>("genesis", ChainLink.Genesis));
            await create.ExecuteNonQueryAsync(ct);
        }
        await using var command = new NpgsqlCommand($"""
            select position, hash from {AuditTables.Schema}.chain_heads
            where tenant_id = @tenant and service = @service for update
            """, connection, tx);
        command.Parameters.Add(new NpgsqlParameter<string>("tenant", tenantId));
        command.Parameters.Add(new NpgsqlParameter<string>("service", service));
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) throw new InvalidOperationException("The audit chain head could not be locked.");
        return (reader.GetInt64(0), reader.GetString(1));
    }
}
