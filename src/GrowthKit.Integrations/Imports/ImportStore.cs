using System.Text.Json;
using System.Text.Json.Nodes;
using GrowthKit.ServiceDefaults;
using Npgsql;
using NpgsqlTypes;

namespace GrowthKit.Integrations.Imports;

/// <summary>An import as <c>GET /api/imports/{importId}</c> shows it.</summary>
public sealed record ImportStatus(Guid ImportId, string Kind, string Status, int Rows, int Accepted, IReadOnlyList<RejectedRow> Rejected,
    DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt);

public sealed record RejectedRow(int Row, IReadOnlyDictionary<string, string[]> Errors);

/// <summary>An import claimed by one worker until <c>lease_until</c>, with the chunk it goes on from.</summary>
public sealed record ClaimedImport(Guid TenantId, Guid ImportId, ImportKind Kind, string By, int Chunks, int NextChunk);

/// <summary>
/// Imports in PostgreSQL: the upload is stored as chunks of at most <see cref="ImportStore.ChunkSize"/> items
/// before the 202, so a restart resumes from the last finished chunk; rows refused (by the parser or by the
/// receiving service) are kept per row. Two instances share the work by leases taken with SKIP LOCKED.
/// </summary>
public sealed class ImportStore(NpgsqlDataSource dataSource) : IAsyncDisposable
{
    public const int ChunkSize = 1000;
    private const string Schema = Extensions.Schema;

    public const string Ddl = $"""
        create table if not exists {Schema}.imports (
            import_id uuid primary key,
            tenant_id uuid not null,
            kind text not null,
            created_by text not null,
            status text not null,          -- queued | running | finished | failed
            rows int not null,
            accepted int not null default 0,
            chunks int not null,
            next_chunk int not null default 0,
            lease_until timestamptz,
            created_at timestamptz not null,
            finished_at timestamptz);
        create index if not exists imports_pending on {Schema}.imports (created_at) where status in ('queued', 'running');
        create table if not exists {Schema}.import_chunks (
            import_id uuid not null,
            chunk int not null,
            rows int[] not null,
            items jsonb not null,          -- the items in the public JSON shape, in row order
            primary key (import_id, chunk));
        create table if not exists {Schema}.import_rejections (
            import_id uuid not null,
            row int not null,
            errors jsonb not null,
            primary key (import_id, row));
        """;


    /// <summary>Stores the parsed upload in one transaction: the import, its chunks and the rows refused already.</summary>
    public async Task CreateAsync(Guid tenantId, Guid importId, ImportKind kind, string by, ParsedCsv parsed, DateTimeOffset now,
        CancellationToken ct)
    {
        var chunks = parsed.Items.Chunk(ChunkSize).ToList();
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var insert = new NpgsqlCommand($"""
            insert into {Schema}.imports (import_id, tenant_id, kind, created_by, status, rows, chunks, created_at, finished_at)
            values ($1, $2, $3, $4, $5, $6, $7, $8, $9)
            """, connection, tx))
        {
            var done = chunks.Count == 0;
            insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = importId });
            insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = KindName(kind) });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = by });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = done ? "finished" : "queued" });
            insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = parsed.Rows });
            insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = chunks.Count });
            insert.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = now.UtcDateTime });
            insert.Parameters.Add(new NpgsqlParameter { Value = done ? now.UtcDateTime : DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz });
            await insert.ExecuteNonQueryAsync(ct);
        }
        await using (var writer = await connection.BeginBinaryImportAsync(
                         $"copy {Schema}.import_chunks (import_id, chunk, rows, items) from stdin (format binary)", ct))
        {
            for (var i = 0; i < chunks.Count; i++)
            {
                await writer.StartRowAsync(ct);
                await writer.WriteAsync(importId, NpgsqlDbType.Uuid, ct);
                await writer.WriteAsync(i, NpgsqlDbType.Integer, ct);
                await writer.WriteAsync(chunks[i].Select(c => c.Row).ToArray(), NpgsqlDbType.Array | NpgsqlDbType.Integer, ct);
                await writer.WriteAsync(new JsonArray([.. chunks[i].Select(c => (JsonNode?)c.Item)]).ToJsonString(), NpgsqlDbType.Jsonb, ct);
            }
            await writer.CompleteAsync(ct);
        }
        await InsertRejectionsAsync(connection, tx, importId, parsed.Rejected.Select(r => new RejectedRow(r.Row, r.Errors)).ToList(), ct);
        await tx.CommitAsync(ct);
    }

    /// <summary>The oldest import that no worker holds, leased to this one for <paramref name="lease"/>; null when none waits.</summary>
    public async Task<ClaimedImport?> ClaimAsync(TimeSpan lease, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand($"""
            update {Schema}.imports i set status = 'running', lease_until = now() + $1
            where i.import_id = (
              select import_id from {Schema}.imports
              where status in ('queued', 'running') and (lease_until is null or lease_until < now())
              order by created_at limit 1 for update skip locked)
            returning i.tenant_id, i.import_id, i.kind, i.created_by, i.chunks, i.next_chunk
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = lease });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) return null;
        return new ClaimedImport(reader.GetGuid(0), reader.GetGuid(1), ParseKind(reader.GetString(2)), reader.GetString(3),
            reader.GetInt32(4), reader.GetInt32(5));
    }

    public async Task<(int[] Rows, IReadOnlyList<JsonElement> Items)> ReadChunkAsync(Guid importId, int chunk, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand(
            $"select rows, items::text from {Schema}.import_chunks where import_id = $1 and chunk = $2", connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = importId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = chunk });
        await using var reader = await command.ExecuteReaderAsync(ct);
        if (!await reader.ReadAsync(ct)) throw new InvalidOperationException($"Chunk {chunk} of import {importId} is missing.");
        var rows = reader.GetFieldValue<int[]>(0);
        using var items = JsonDocument.Parse(reader.GetString(1));
        return (rows, [.. items.RootElement.EnumerateArray().Select(e => e.Clone())]);
    }

    /// <summary>
    /// Records a chunk's answer and moves on, in one transaction, only if the import is still at that chunk
    /// (a worker whose lease ran out and was taken over records nothing twice). Renews the lease.
    /// </summary>
    public async Task<bool> CompleteChunkAsync(Guid importId, int chunk, int accepted, IReadOnlyList<RejectedRow> rejected,
        bool last, TimeSpan lease, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var update = new NpgsqlCommand($"""
            update {Schema}.imports set accepted = accepted + $3, next_chunk = $2 + 1, lease_until = now() + $4,
              status = case when $5 then 'finished' else status end,
              finished_at = case when $5 then now() else finished_at end
            where import_id = $1 and next_chunk = $2
            """, connection, tx))
        {
            update.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = importId });
            update.Parameters.Add(new NpgsqlParameter<int> { TypedValue = chunk });
            update.Parameters.Add(new NpgsqlParameter<int> { TypedValue = accepted });
            update.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = lease });
            update.Parameters.Add(new NpgsqlParameter<bool> { TypedValue = last });
            if (await update.ExecuteNonQueryAsync(ct) == 0) return false;
        }
        await InsertRejectionsAsync(connection, tx, importId, rejected, ct);
        await using (var delete = new NpgsqlCommand($"delete from {Schema}.import_chunks where import_id = $1 and chunk = $2", connection, tx))
        {
            delete.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = importId });
            delete.Parameters.Add(new NpgsqlParameter<int> { TypedValue = chunk });
            await delete.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return true;
    }

    /// <summary>Lets another worker (or this one later) take the import at once, after a failed attempt.</summary>
    public async Task ReleaseAsync(Guid importId, TimeSpan retryAfter, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var command = new NpgsqlCommand($"update {Schema}.imports set lease_until = now() + $2 where import_id = $1", connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = importId });
        command.Parameters.Add(new NpgsqlParameter<TimeSpan> { TypedValue = retryAfter });
        await command.ExecuteNonQueryAsync(ct);
    }

    /// <summary>The tenant's import, or null (another tenant's import is not found either).</summary>
    public async Task<ImportStatus?> FindAsync(Guid tenantId, Guid importId, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        ImportStatus status;
        await using (var command = new NpgsqlCommand($"""
            select kind, status, rows, accepted, created_at, finished_at from {Schema}.imports where tenant_id = $1 and import_id = $2
            """, connection))
        {
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = importId });
            await using var reader = await command.ExecuteReaderAsync(ct);
            if (!await reader.ReadAsync(ct)) return null;
            status = new ImportStatus(importId, reader.GetString(0), reader.GetString(1), reader.GetInt32(2), reader.GetInt32(3), [],
                reader.GetFieldValue<DateTimeOffset>(4), reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5));
        }
        var rejected = new List<RejectedRow>();
        await using (var command = new NpgsqlCommand(
                         $"select row, errors::text from {Schema}.import_rejections where import_id = $1 order by row", connection))
        {
            command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = importId });
            await using var reader = await command.ExecuteReaderAsync(ct);
            while (await reader.ReadAsync(ct))
            {
                rejected.Add(new RejectedRow(reader.GetInt32(0),
                    JsonSerializer.Deserialize<Dictionary<string, string[]>>(reader.GetString(1)) ?? []));
            }
        }
        return status with { Rejected = rejected };
    }

    private static async Task InsertRejectionsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, Guid importId,
        IReadOnlyList<RejectedRow> rejected, CancellationToken ct)
    {
        if (rejected.Count == 0) return;
        await using var command = new NpgsqlCommand($"""
            insert into {Schema}.import_rejections (import_id, row, errors)
            select $1, u.row, u.errors::jsonb from unnest($2::int[], $3::text[]) as u(row, errors)
            on conflict do nothing
            """, connection, tx);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = importId });
        command.Parameters.Add(new NpgsqlParameter<int[]> { TypedValue = [.. rejected.Select(r => r.Row)] });
        command.Parameters.Add(new NpgsqlParameter<string[]> { TypedValue = [.. rejected.Select(r => JsonSerializer.Serialize(r.Errors))] });
        await command.ExecuteNonQueryAsync(ct);
    }

    public static string KindName(ImportKind kind) => kind == ImportKind.Leads ? "leads" : "deals";

    private static ImportKind ParseKind(string kind) => kind == "leads" ? ImportKind.Leads : ImportKind.Deals;

    private async Task WithConnection(Func<NpgsqlConnection, Task> action, CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await action(connection);
    }

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();
}
