using System.Buffers.Binary;
using Npgsql;

namespace GrowthKit.Scoring.Storage;

/// <summary>
/// Scoring's connections for the flat tables beside its Marten event store (<see cref="ScoringTables"/>),
/// and the tenant lock that orders a lead batch against an ICP publication.
/// </summary>
public sealed class ScoringDatabase(NpgsqlDataSource dataSource) : IAsyncDisposable
{
    /// <summary>Marks scoring's advisory locks apart from anyone else's in the same database.</summary>
    private const int LockClass = 0x5C0_0001;

    private bool _lz4;

    public async Task<NpgsqlConnection> OpenAsync(CancellationToken ct) => await dataSource.OpenConnectionAsync(ct);

    /// <summary>
    /// A transaction that writes ledger batches. Their events are large (about 0.8 KB a score) and
    /// Postgres compresses them on the way to TOAST; lz4 does it much faster than the default pglz,
    /// which was the largest single cost of a re-scoring page.
    /// </summary>
    public async Task<NpgsqlTransaction> BeginWriteAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var tx = await connection.BeginTransactionAsync(ct);
        if (_lz4)
        {
            await using var command = new NpgsqlCommand("set local default_toast_compression = 'lz4'", connection);
            await command.ExecuteNonQueryAsync(ct);
        }
        return tx;
    }

    /// <summary>Whether this server was built with lz4 (Debian's and the official images are); pglz stays otherwise.</summary>
    public async Task DetectCompressionAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        await using var command = new NpgsqlCommand(
            "select exists (select 1 from pg_settings where name = 'default_toast_compression' and 'lz4' = any(enumvals))", connection);
        _lz4 = await command.ExecuteScalarAsync(ct) is true;
    }

    /// <summary>
    /// Held shared by every lead batch and exclusively by an ICP publication, until the transaction ends:
    /// a batch either commits before the new version is recorded (so the re-scoring that follows sees
    /// its leads) or reads the version after it was recorded (so it scores them against it itself).
    /// </summary>
    public static Task LockTenantSharedAsync(NpgsqlConnection connection, Guid tenantId, CancellationToken ct) =>
        LockAsync(connection, "pg_advisory_xact_lock_shared", tenantId, ct);

    public static Task LockTenantExclusiveAsync(NpgsqlConnection connection, Guid tenantId, CancellationToken ct) =>
        LockAsync(connection, "pg_advisory_xact_lock", tenantId, ct);

    private static async Task LockAsync(NpgsqlConnection connection, string function, Guid tenantId, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"select {function}($1, $2)", connection);
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = LockClass });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = LockKey(tenantId) });
        await command.ExecuteNonQueryAsync(ct);
    }

    // Two tenants sharing a key only ever wait for each other a little; they never miss a lead.
    private static int LockKey(Guid tenantId)
    {
        Span<byte> bytes = stackalloc byte[16];
        tenantId.TryWriteBytes(bytes);
        return BinaryPrimitives.ReadInt32LittleEndian(bytes) ^ BinaryPrimitives.ReadInt32LittleEndian(bytes[4..])
               ^ BinaryPrimitives.ReadInt32LittleEndian(bytes[8..]) ^ BinaryPrimitives.ReadInt32LittleEndian(bytes[12..]);
    }

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();
}
