using GrowthKit.ServiceDefaults;
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

    public const string Ddl = $"""
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

    /// <summary>Every ICP refinement knows, across tenants (see <see cref="MartenTables"/>).</summary>
    public async Task<IReadOnlyList<(Guid Tenant, Guid IcpId)>> KnownIcpsAsync(CancellationToken ct)
    {
        await using var connection = await OpenAsync(ct);
        return await MartenTables.KnownIcpsAsync(connection, ct);
    }

    public ValueTask DisposeAsync() => dataSource.DisposeAsync();
}
