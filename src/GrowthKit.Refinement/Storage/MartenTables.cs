using Dapper;
using Npgsql;

namespace GrowthKit.Refinement.Storage;

/// <summary>
/// The only statement of the refinement service that reads one of Marten's own tables: every ICP
/// refinement knows, across tenants (the table of the <c>KnownIcp</c> document). Marten's sessions are
/// tenant-scoped and hand back a document without its tenant; reading this through Marten would mean
/// storing the tenant inside the document as well (a change of the stored shape) — one statement at
/// start-up does not justify it. <see cref="Columns"/> names every column it relies on; a test checks
/// them, and runs the statement, against the schema Marten itself creates, so a Marten upgrade that
/// changes them fails a build.
/// </summary>
public static class MartenTables
{
    /// <summary>(table, column, PostgreSQL type) as <see cref="KnownIcpsAsync"/> reads them.</summary>
    public static readonly IReadOnlyList<(string Table, string Column, string Type)> Columns =
    [
        ("mt_doc_knownicp", "tenant_id", "character varying"),
        ("mt_doc_knownicp", "id", "uuid"),
    ];

    /// <summary>Every ICP refinement knows, across tenants; rows whose tenant is not a tenant id are skipped.</summary>
    public static async Task<IReadOnlyList<(Guid Tenant, Guid IcpId)>> KnownIcpsAsync(NpgsqlConnection connection, CancellationToken ct)
    {
        var rows = await connection.QueryAsync<(string, Guid)>(new CommandDefinition(
            $"select tenant_id, id from {RefinementDatabase.Schema}.mt_doc_knownicp", cancellationToken: ct));
        return [.. rows.Where(r => Guid.TryParse(r.Item1, out _)).Select(r => (Guid.Parse(r.Item1), r.Item2))];
    }
}
