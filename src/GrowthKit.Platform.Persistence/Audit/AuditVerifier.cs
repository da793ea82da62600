using System.Security.Cryptography;
using System.Text.Json;
using GrowthKit.Model.Audit;
using Npgsql;

namespace GrowthKit.Platform.Persistence.Audit;

/// <summary>Where a chain breaks: the event (stream and its sequence in it), the chain and position, and why.</summary>
public sealed record BrokenLink(Guid? Stream, long? Sequence, string Reason, string Service, long Position);

public sealed record AuditVerification(bool Ok, long Events, BrokenLink? FirstBroken);

/// <summary>A chained service: its name in the chain and the schema of its event store.</summary>
public sealed record ChainedService(string Name, string EventSchema);

/// <summary>
/// Walks a tenant's chains in the database: every link must follow the one before, every event must
/// still hash to its link, no event may be missing from the chain, the head must be the last link,
/// and every checkpoint must be signed by the platform's key and match the link at its position.
/// </summary>
public static class AuditVerifier
{
    public static async Task<AuditVerification> VerifyAsync(NpgsqlConnection connection, string tenantId,
        IReadOnlyList<ChainedService> services, ECDsa publicKey, CancellationToken ct)
    {
        long events = 0;
        foreach (var service in services)
        {
            // A database where a service never stored an event (a test database of one service) has no events table.
            if (!await AuditTables.HasEventsAsync(connection, service, ct)) continue;
            var (count, broken) = await VerifyChainAsync(connection, tenantId, service, publicKey, ct);
            events += count;
            if (broken is not null) return new AuditVerification(false, events, broken);
        }
        return new AuditVerification(true, events, null);
    }

    private static async Task<(long Events, BrokenLink? Broken)> VerifyChainAsync(NpgsqlConnection connection, string tenantId,
        ChainedService service, ECDsa publicKey, CancellationToken ct)
    {
        var hashes = new Dictionary<long, string>();
        long position = 0;
        var prev = ChainLink.Genesis;
        BrokenLink? broken = null;

        await using (var command = new NpgsqlCommand($"""
            select c.position, c.stream_id, c.version, c.who, c.why, c.prev_hash, c.hash,
                   e.seq_id is not null, e.stream_id, e.version, e.type, e.timestamp, e.data::text
            from {AuditTables.Schema}.chain c
            left join {service.EventSchema}.mt_events e on e.seq_id = c.event_seq and e.tenant_id = c.tenant_id
            where c.tenant_id = @tenant and c.service = @service
            order by c.position
            """, connection))
        {
            command.Parameters.Add(new NpgsqlParameter<string>("tenant", tenantId));
            command.Parameters.Add(new NpgsqlParameter<string>("service", service.Name));
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                var at = reader.GetInt64(0);
                var stream = reader.GetGuid(1);
                var version = reader.GetInt64(2);
                BrokenLink Broken(string reason) => new(stream, version, reason, service.Name, at);

                if (at != position + 1)
                {
                    broken = Broken($"The chain jumps from position {position} to {at}: links were removed.");
                    break;
                }
                if (reader.GetString(5) != prev)
                {
                    broken = Broken("The link does not follow the one before it: links were removed or reordered.");
                    break;
                }
                if (!reader.GetBoolean(7))
                {
                    broken = Broken("The event was deleted.");
                    break;
                }
                using var data = JsonDocument.Parse(reader.GetString(12));
                var link = new ChainLink(reader.GetString(10), reader.GetGuid(8), reader.GetInt64(9),
                    ChainLink.FormatTimestamp(reader.GetFieldValue<DateTimeOffset>(11)),
                    reader.IsDBNull(3) ? null : reader.GetString(3), reader.IsDBNull(4) ? null : reader.GetString(4),
                    data.RootElement, prev);
                var hash = reader.GetString(6);
                if (link.Hash() != hash)
                {
                    broken = Broken("The event no longer matches its hash: it was changed after it was written.");
                    break;
                }
                hashes[at] = hash;
                prev = hash;
                position = at;
            }
        }
        if (broken is not null) return (position, broken);

        broken = await UnchainedEventAsync(connection, tenantId, service, ct)
                 ?? await HeadMismatchAsync(connection, tenantId, service, position, prev, ct)
                 ?? await BadCheckpointAsync(connection, tenantId, service, hashes, publicKey, ct);
        return (position, broken);
    }

    /// <summary>
    /// Marten fills the sequence numbers of a failed save with "tombstone" events on a bookkeeping stream
    /// of their own; they belong to no history. One on a stream that holds chained events is still reported.
    /// </summary>
    internal const string TombstoneFilter = $"""
        e.type = 'tombstone' and not exists (select 1 from {AuditTables.Schema}.chain t
          where t.tenant_id = e.tenant_id and t.service = @service and t.stream_id = e.stream_id)
        """;

    private static async Task<BrokenLink?> UnchainedEventAsync(NpgsqlConnection connection, string tenantId,
        ChainedService service, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"""
            select e.stream_id, e.version from {service.EventSchema}.mt_events e
            where e.tenant_id = @tenant
              and not exists (select 1 from {AuditTables.Schema}.chain c where c.service = @service and c.event_seq = e.seq_id)
              and not ({TombstoneFilter})
            order by e.seq_id limit 1
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<string>("tenant", tenantId));
        command.Parameters.Add(new NpgsqlParameter<string>("service", service.Name));
        await using var reader = await command.ExecuteReaderAsync(ct);
        return await reader.ReadAsync(ct)
            ? new BrokenLink(reader.GetGuid(0), reader.GetInt64(1), "The event is not in the chain: it was inserted around it.",
                service.Name, 0)
            : null;
    }

    private static async Task<BrokenLink?> HeadMismatchAsync(NpgsqlConnection connection, string tenantId, ChainedService service,
        long position, string hash, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"""
            select position, hash from {AuditTables.Schema}.chain_heads where tenant_id = @tenant and service = @service
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<string>("tenant", tenantId));
        command.Parameters.Add(new NpgsqlParameter<string>("service", service.Name));
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return reader.GetInt64(0) == position && reader.GetString(1) == hash
            ? null
            : new BrokenLink(null, null, $"The chain's head says position {reader.GetInt64(0)}, the chain ends at {position}.",
                service.Name, position);
    }

    private static async Task<BrokenLink?> BadCheckpointAsync(NpgsqlConnection connection, string tenantId, ChainedService service,
        Dictionary<long, string> hashes, ECDsa publicKey, CancellationToken ct)
    {
        await foreach (var (checkpoint, signature) in AuditTables.CheckpointsAsync(connection, null, tenantId, service.Name, ct))
        {
            if (!checkpoint.IsSignedBy(publicKey, signature))
            {
                return new BrokenLink(null, null, $"The checkpoint at position {checkpoint.Position} is not signed by the platform's key.",
                    service.Name, checkpoint.Position);
            }
            if (!hashes.TryGetValue(checkpoint.Position, out var hash) || hash != checkpoint.Hash)
            {
                return new BrokenLink(null, null,
                    $"The chain differs from the signed checkpoint at position {checkpoint.Position}: it was rewritten.",
                    service.Name, checkpoint.Position);
            }
        }
        return null;
    }
}
