using GrowthKit.Platform.Persistence.Audit;
using GrowthKit.Scoring.Ledger;
using Marten;
using SessionOptions = Marten.Services.SessionOptions;
using Npgsql;

namespace GrowthKit.Scoring.Storage;

/// <summary>
/// Writes a batch's events to the ledger — on a stream of its own, through Marten, inside the caller's
/// transaction — and reads ledger entries back by the places the index rows (<see cref="LeadSnapshots"/>,
/// <see cref="LeadScores"/>) hold.
/// </summary>
public static class ScoreLedger
{
    /// <summary>The score ledger's chain for auditors (see <see cref="AuditChain"/>).</summary>
    public static readonly ChainedService Chain = new("scoring", ScoringTables.Schema);

    /// <summary>Appends the batch's events through Marten on the caller's connection and transaction (Marten does not commit), and chains them.</summary>
    public static async Task AppendAsync(IDocumentStore store, NpgsqlTransaction tx, Guid tenantId, Guid streamId,
        CancellationToken ct, params object[] events)
    {
        var options = SessionOptions.ForTransaction(tx);
        options.TenantId = tenantId.ToString();
        await using var session = store.LightweightSession(options);
        session.Events.StartStream(streamId, events);
        await session.SaveChangesAsync(ct);
        await AuditChain.AppendAsync(tx.Connection!, tx, Chain.EventSchema, Chain.Name, tenantId.ToString(), [streamId], ct,
            expected: events.Length);
    }

    /// <summary>Appends to an existing or new stream (an ICP's versions) on the caller's transaction, and chains it.</summary>
    public static async Task AppendToAsync(IDocumentStore store, NpgsqlTransaction tx, Guid tenantId, Guid streamId,
        object @event, CancellationToken ct)
    {
        var options = SessionOptions.ForTransaction(tx);
        options.TenantId = tenantId.ToString();
        await using var session = store.LightweightSession(options);
        session.Events.Append(streamId, @event);
        await session.SaveChangesAsync(ct);
        await AuditChain.AppendAsync(tx.Connection!, tx, Chain.EventSchema, Chain.Name, tenantId.ToString(), [streamId], ct,
            expected: 1);
    }

    /// <summary>The ledger entries at these places (stream, position), in the order asked for.</summary>
    public static Task<IReadOnlyList<ScoreEntry>> ReadScoresAsync(NpgsqlConnection connection, Guid tenantId,
        IReadOnlyList<(Guid BatchId, int Pos)> places, CancellationToken ct) =>
        MartenTables.ReadEntriesAsync<ScoreEntry>(connection, tenantId, LedgerEventTypes.LeadsScored, "scores", places, ct);

    public static Task<IReadOnlyList<LeadSnapshot>> ReadSnapshotsAsync(NpgsqlConnection connection, Guid tenantId,
        IReadOnlyList<(Guid BatchId, int Pos)> places, CancellationToken ct) =>
        MartenTables.ReadEntriesAsync<LeadSnapshot>(connection, tenantId, LedgerEventTypes.LeadSnapshotsRecorded, "snapshots", places, ct);
}
