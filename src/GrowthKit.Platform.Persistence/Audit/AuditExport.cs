using System.Text.Json;
using GrowthKit.Model;
using GrowthKit.Model.Audit;
using Npgsql;

namespace GrowthKit.Platform.Persistence.Audit;

/// <summary>
/// Streams a tenant's chains as NDJSON (see <see cref="ExportLines"/>): row by row from the
/// database to the response, so an export of any size holds one event in memory at a time.
/// </summary>
public static class AuditExport
{
    public static async Task WriteAsync(Stream output, NpgsqlDataSource dataSource, string tenantId,
        IReadOnlyList<ChainedService> services, AuditSigner signer, DateTimeOffset? from, DateTimeOffset? to,
        DateTimeOffset now, CancellationToken ct)
    {
        await WriteLineAsync(output, new ExportHeader(ExportLines.Header, tenantId, ChainLink.FormatTimestamp(now),
            from is { } f ? ChainLink.FormatTimestamp(f) : null, to is { } t ? ChainLink.FormatTimestamp(t) : null,
            ScoringModel.ModelVersion, signer.PublicKey, signer.KeyId, [.. services.Select(s => s.Name)]), ct);

        await using var connection = await dataSource.OpenConnectionAsync(ct);
        // One snapshot for the whole export: the events, checkpoints and head agree with each other.
        await using var tx = await connection.BeginTransactionAsync(System.Data.IsolationLevel.RepeatableRead, ct);
        foreach (var service in services)
        {
            if (!await AuditTables.HasEventsAsync(connection, service, ct)) continue;
            await WriteEventsAsync(output, connection, tx, tenantId, service, from, to, ct);
            await WriteCheckpointsAsync(output, connection, tx, tenantId, service, ct);
            await WriteHeadAsync(output, connection, tx, tenantId, service, signer, ct);
        }
        await tx.CommitAsync(ct);
    }

    private static async Task WriteEventsAsync(Stream output, NpgsqlConnection connection, NpgsqlTransaction tx,
        string tenantId, ChainedService service, DateTimeOffset? from, DateTimeOffset? to, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"""
            select c.position, e.stream_id, e.version, e.type, e.timestamp, c.who, c.why, e.data::text, c.prev_hash, c.hash,
                   c.backfilled
            from {AuditTables.Schema}.chain c
            join {service.EventSchema}.mt_events e on e.seq_id = c.event_seq and e.tenant_id = c.tenant_id
            where c.tenant_id = @tenant and c.service = @service
              and (@from::timestamptz is null or e.timestamp >= @from) and (@to::timestamptz is null or e.timestamp < @to)
            order by c.position
            """, connection, tx);
        command.Parameters.Add(new NpgsqlParameter<string>("tenant", tenantId));
        command.Parameters.Add(new NpgsqlParameter<string>("service", service.Name));
        command.Parameters.Add(new NpgsqlParameter("from", NpgsqlTypes.NpgsqlDbType.TimestampTz) { Value = (object?)from ?? DBNull.Value });
        command.Parameters.Add(new NpgsqlParameter("to", NpgsqlTypes.NpgsqlDbType.TimestampTz) { Value = (object?)to ?? DBNull.Value });
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct))
        {
            using var data = JsonDocument.Parse(reader.GetString(7));
            await WriteLineAsync(output, new ExportEvent(ExportLines.Event, service.Name, reader.GetInt64(0), reader.GetGuid(1),
                reader.GetInt64(2), reader.GetString(3), ChainLink.FormatTimestamp(reader.GetFieldValue<DateTimeOffset>(4)),
                reader.IsDBNull(5) ? null : reader.GetString(5), reader.IsDBNull(6) ? null : reader.GetString(6),
                data.RootElement, reader.GetString(8), reader.GetString(9), reader.GetBoolean(10)), ct);
        }
    }

    private static async Task WriteCheckpointsAsync(Stream output, NpgsqlConnection connection, NpgsqlTransaction tx,
        string tenantId, ChainedService service, CancellationToken ct)
    {
        await foreach (var (checkpoint, signature) in AuditTables.CheckpointsAsync(connection, tx, tenantId, service.Name, ct))
        {
            await WriteLineAsync(output, new ExportCheckpoint(ExportLines.Checkpoint, tenantId, service.Name, checkpoint.Position,
                checkpoint.Hash, checkpoint.SignedAt, checkpoint.KeyId, signature), ct);
        }
    }

    private static async Task WriteHeadAsync(Stream output, NpgsqlConnection connection, NpgsqlTransaction tx,
        string tenantId, ChainedService service, AuditSigner signer, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"""
            select position, hash from {AuditTables.Schema}.chain_heads where tenant_id = @tenant and service = @service
            """, connection, tx);
        command.Parameters.Add(new NpgsqlParameter<string>("tenant", tenantId));
        command.Parameters.Add(new NpgsqlParameter<string>("service", service.Name));
        await using var reader = await command.ExecuteReaderAsync(ct);
        var (position, hash) = await reader.ReadAsync(ct) ? (reader.GetInt64(0), reader.GetString(1)) : (0L, ChainLink.Genesis);
        var (checkpoint, signature) = signer.Sign(tenantId, service.Name, position, hash);
        await WriteLineAsync(output, new ExportCheckpoint(ExportLines.Head, checkpoint.TenantId, checkpoint.Service,
            checkpoint.Position, checkpoint.Hash, checkpoint.SignedAt, checkpoint.KeyId, signature), ct);
    }

    private static readonly byte[] NewLine = "\n"u8.ToArray();

    private static async Task WriteLineAsync<T>(Stream output, T line, CancellationToken ct)
    {
        await JsonSerializer.SerializeAsync(output, line, ModelJson.Options, ct);
        await output.WriteAsync(NewLine, ct);
    }
}
