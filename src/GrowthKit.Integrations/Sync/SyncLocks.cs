using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Npgsql;

namespace GrowthKit.Integrations.Sync;

/// <summary>
/// One sync per (tenant, CRM) at a time, across every instance of the service: a PostgreSQL session
/// advisory lock, held on its own unpooled connection for as long as the sync runs. A process that dies
/// loses its connection and with it the lock, so the run can be resumed elsewhere.
/// </summary>
public sealed class SyncLocks(NpgsqlDataSource dataSource)
{
    public async Task<IAsyncDisposable?> TryAcquireAsync(Guid tenant, string kind, CancellationToken ct)
    {
        var key = Key(tenant, kind);
        var connection = await dataSource.OpenConnectionAsync(ct);
        try
        {
            await using var command = new NpgsqlCommand("select pg_try_advisory_lock($1)", connection);
            command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = key });
            if (await command.ExecuteScalarAsync(ct) is true) return new Held(connection, key);
        }
        catch
        {
            await connection.DisposeAsync();
            throw;
        }
        await connection.DisposeAsync();
        return null;
    }

    /// <summary>A 64-bit key from the tenant and kind (the first 8 bytes of their SHA-256).</summary>
    public static long Key(Guid tenant, string kind) =>
        BinaryPrimitives.ReadInt64BigEndian(SHA256.HashData(Encoding.UTF8.GetBytes($"growthkit-crm-sync:{tenant:N}:{kind}")));

    private sealed class Held(NpgsqlConnection connection, long key) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync()
        {
            try
            {
                await using var command = new NpgsqlCommand("select pg_advisory_unlock($1)", connection);
                command.Parameters.Add(new NpgsqlParameter<long> { TypedValue = key });
                await command.ExecuteScalarAsync();
            }
            finally
            {
                // Unpooled: closing ends the session, which releases the lock even if the unlock failed.
                await connection.DisposeAsync();
            }
        }
    }
}
