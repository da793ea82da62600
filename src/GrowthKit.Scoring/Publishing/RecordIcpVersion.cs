using GrowthKit.Contracts;
using GrowthKit.Platform.Persistence.Resilience;
using GrowthKit.Scoring.Ledger;
using GrowthKit.Scoring.Rescoring;
using GrowthKit.Scoring.Scores;
using GrowthKit.Scoring.Storage;
using Marten;
using MassTransit;
using Microsoft.Extensions.Options;

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

        var (latest, known) = await IcpVersions.ProbeAsync(connection, m.TenantId, m.IcpId, m.Version, ct);
        if (known)
        {
            await tx.CommitAsync(ct);
            return false;
        }

        await IcpVersions.InsertAsync(connection, m.TenantId, m.IcpId, m.Version, definition, m.PublishedAt, ct);
        await ScoreLedger.AppendToAsync(store, tx, m.TenantId, m.IcpId,
            new IcpVersionRecorded(m.IcpId, m.Version, m.Definition, m.PublishedBy, m.Reason, m.PublishedAt), ct);

        // An older version arriving late is recorded (it was published) but is no longer the one leads are scored against.
        var newest = latest is null || m.Version > latest;
        if (newest)
        {
            await Rescorings.StartAsync(connection, m.TenantId, m.IcpId, m.Version, RescoringParts.Ranges(rescoringOptions.Value.Parts),
                clock.GetUtcNow(), ct);
        }
        await tx.CommitAsync(ct);
        return newest;
    }
}
