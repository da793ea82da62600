using Npgsql;

namespace GrowthKit.Platform.Persistence.Audit;

/// <summary>
/// The one-time chain build over events written before chaining existed. It runs once per service
/// (a row in <c>audit.backfills</c> records that it ran, when, and over how much); its links are
/// marked <c>backfilled</c>, since they vouch only for the data as it was found, not as it was written.
/// After that, an event missing from the chain is a finding, never something to chain quietly.
/// </summary>
public static class AuditBackfill
{
    public static async Task<(int Tenants, long Events)?> RunOnceAsync(NpgsqlDataSource dataSource, ChainedService service,
        CancellationToken ct)
    {
        await using var connection = await dataSource.OpenConnectionAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var lockCommand = new NpgsqlCommand(
            $"select pg_advisory_xact_lock(hashtextextended('audit-backfill:' || $1, 0))", connection, tx))
        {
            lockCommand.Parameters.Add(new NpgsqlParameter<string> { TypedValue = service.Name });
            await lockCommand.ExecuteNonQueryAsync(ct);
        }
        await using (var done = new NpgsqlCommand($"select 1 from {AuditTables.Schema}.backfills where service = $1", connection, tx))
        {
            done.Parameters.Add(new NpgsqlParameter<string> { TypedValue = service.Name });
            if (await done.ExecuteScalarAsync(ct) is not null) return null;
        }

        bool newStore;
        await using (var exists = new NpgsqlCommand("select to_regclass($1) is not null", connection, tx))
        {
            exists.Parameters.Add(new NpgsqlParameter<string> { TypedValue = $"{service.EventSchema}.mt_events" });
            newStore = await exists.ExecuteScalarAsync(ct) is false;
        }

        // A store without an events table yet had nothing written before: the build is recorded as done, over nothing.
        var tenants = newStore ? [] : await TenantsAsync(connection, tx, service, ct);

        long events = 0;
        foreach (var tenant in tenants)
        {
            events += await AuditChain.BackfillTenantAsync(connection, tx, service.EventSchema, service.Name, tenant, ct);
        }

        await using (var record = new NpgsqlCommand(
            $"insert into {AuditTables.Schema}.backfills (service, tenants, events, done_at) values ($1, $2, $3, now())",
            connection, tx))
        {
            record.Parameters.Add(new NpgsqlParameter<string> { TypedValue = service.Name });
            record.Parameters.Add(new NpgsqlParameter<int> { TypedValue = tenants.Count });
            record.Parameters.Add(new NpgsqlParameter<long> { TypedValue = events });
            await record.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
        return (tenants.Count, events);
    }

    private static async Task<List<string>> TenantsAsync(NpgsqlConnection connection, NpgsqlTransaction tx, ChainedService service,
        CancellationToken ct)
    {
        var tenants = new List<string>();
        await using var list = new NpgsqlCommand(
            $"select distinct tenant_id from {service.EventSchema}.mt_events order by tenant_id", connection, tx);
        await using var reader = await list.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) tenants.Add(reader.GetString(0));
        return tenants;
    }
}
