using Marten;
using Npgsql;

namespace GrowthKit.Refinement.Storage;

/// <summary>
/// Refinement's flat table beside its Marten store: each lead's latest normalised snapshot, written
/// set-based from <c>LeadsReceived</c> batches (newest snapshot wins), read to check a deal's lead
/// and to score closed deals.
/// </summary>
public sealed class RefinementDatabase(NpgsqlDataSource dataSource) : IAsyncDisposable
{
    public const string Schema = "refinement";

    private const string Ddl = $"""
        -- Only when missing: where the database is prepared for least privilege the schema exists and belongs to
        -- this service's role, which may not create schemas.
        do $$ begin if to_regnamespace('{Schema}') is null then create schema {Schema}; end if; end $$;
        create table if not exists {Schema}.leads (
            tenant_id uuid not null,
            lead_id uuid not null,
            external_id text not null,
            snapshot int not null,
            lead text not null,          -- the normalised snapshot, as scores read it
            received_at timestamptz not null,
            primary key (tenant_id, lead_id));
        create index if not exists leads_external_id on {Schema}.leads (tenant_id, external_id);
        """;

    public async Task<NpgsqlConnection> OpenAsync(CancellationToken ct) => await dataSource.OpenConnectionAsync(ct);

    /// <summary>Marten's tables, then this one, under a lock so that instances starting together do not race.</summary>
    public async Task EnsureCreatedAsync(IDocumentStore store, CancellationToken ct)
    {
        await store.Storage.ApplyAllConfiguredChangesToDatabaseAsync();
        await using var connection = await OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        await using (var lockCommand = new NpgsqlCommand("select pg_advisory_xact_lock(hashtext('growthkit-refinement-schema'))", connection, tx))
        {
            await lockCommand.ExecuteNonQueryAsync(ct);
        }
        await using (var create = new NpgsqlCommand(Ddl, connection, tx))
        {
            await create.ExecuteNonQueryAsync(ct);
        }
        await tx.CommitAsync(ct);
    }

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();
}

/// <summary>Registered before the bus, so the consumers never meet a missing table.</summary>
public sealed class RefinementTablesMigration(IDocumentStore store, RefinementDatabase database) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => database.EnsureCreatedAsync(store, cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
