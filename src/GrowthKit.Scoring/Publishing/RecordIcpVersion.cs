using GrowthKit.ServiceDefaults.Resilience;
using GrowthKit.Contracts;
using GrowthKit.Scoring.Ledger;
using GrowthKit.Scoring.Rescoring;
using GrowthKit.Scoring.Scores;
using GrowthKit.Scoring.Storage;
using Marten;
using MassTransit;
using Microsoft.Extensions.Options;
using Npgsql;

namespace GrowthKit.Scoring.Publishing;

/// <summary>
/// Records a published ICP version (an event on the ICP's stream, and a row scoring reads) and, when
/// it is the ICP's newest, starts re-scoring every lead of the tenant against it. A redelivery finds
/// the version recorded and changes nothing.
/// </summary>
public sealed class IcpVersionPublishedConsumer(
    ScoringDatabase database, IDocumentStore store, TimeProvider clock, RescoringSignal rescoring,
    IOptions<RescoringOptions> rescoringOptions)
    : IConsumer<IcpVersionPublished>
{
    public async Task Consume(ConsumeContext<IcpVersionPublished> context)
    {
        if (await ConflictRetry.ExecuteAsync(token => RecordAsync(context.Message, token), context.CancellationToken))
        {
            rescoring.Wake();
        }
    }

    private async Task<bool> RecordAsync(IcpVersionPublished m, CancellationToken ct)
    {
        var definition = m.Definition.GetRawText();
        // A definition scoring cannot read fails here, before anything is recorded.
        _ = ScoringVersion.Parse(m.IcpId, m.Version, definition);

        await using var connection = await database.OpenAsync(ct);
        await using var tx = await connection.BeginTransactionAsync(ct);
        // Waits for lead batches in flight; batches after it see this version (ScoringDatabase).
        await ScoringDatabase.LockTenantExclusiveAsync(connection, m.TenantId, ct);

        var (latest, known) = await VersionsAsync(connection, m, ct);
        if (known)
        {
            await tx.CommitAsync(ct);
            return false;
        }

        await using (var insert = new NpgsqlCommand($"""
            insert into {ScoringTables.Schema}.icp_versions (tenant_id, icp_id, version, definition, published_at)
            values ($1, $2, $3, $4, $5)
            """, connection))
        {
            insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = m.TenantId });
            insert.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = m.IcpId });
            insert.Parameters.Add(new NpgsqlParameter<int> { TypedValue = m.Version });
            insert.Parameters.Add(new NpgsqlParameter<string> { TypedValue = definition });
            insert.Parameters.Add(new NpgsqlParameter<DateTime> { TypedValue = m.PublishedAt.UtcDateTime });
            await insert.ExecuteNonQueryAsync(ct);
        }
        await ScoreLedger.AppendToAsync(store, tx, m.TenantId, m.IcpId,
            new IcpVersionRecorded(m.IcpId, m.Version, m.Definition, m.PublishedBy, m.Reason, m.PublishedAt), ct);

        // An older version arriving late is recorded (it was published) but is no longer the one leads are scored against.
        var newest = latest is null || m.Version > latest;
        if (newest)
        {
            await RescoringParts.StartAsync(connection, m.TenantId, m.IcpId, m.Version, rescoringOptions.Value.Parts,
                clock.GetUtcNow(), ct);
        }
        await tx.CommitAsync(ct);
        return newest;
    }

    private static async Task<(int? Latest, bool Known)> VersionsAsync(NpgsqlConnection connection, IcpVersionPublished m,
        CancellationToken ct)
    {
        await using var command = new NpgsqlCommand($"""
            select max(version), coalesce(bool_or(version = $3), false)
            from {ScoringTables.Schema}.icp_versions where tenant_id = $1 and icp_id = $2
            """, connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = m.TenantId });
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = m.IcpId });
        command.Parameters.Add(new NpgsqlParameter<int> { TypedValue = m.Version });
        await using var reader = await command.ExecuteReaderAsync(ct);
        await reader.ReadAsync(ct);
        return (reader.IsDBNull(0) ? null : reader.GetInt32(0), reader.GetBoolean(1));
    }
}
