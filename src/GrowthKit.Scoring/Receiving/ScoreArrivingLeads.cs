using GrowthKit.ServiceDefaults.Resilience;
using GrowthKit.Contracts;
using GrowthKit.Model;
using GrowthKit.Scoring.Ledger;
using GrowthKit.Scoring.Publishing;
using GrowthKit.Scoring.Scores;
using GrowthKit.Scoring.Storage;
using Marten;
using MassTransit;
using Npgsql;

namespace GrowthKit.Scoring.Receiving;

public sealed class LeadsReceivedEndpoint : ConsumerDefinition<LeadsReceivedConsumer>
{
    public LeadsReceivedEndpoint()
    {
        // Two batches at a time keep both cores and Postgres busy; more only contend.
        ConcurrentMessageLimit = 2;
    }

    protected override void ConfigureConsumer(IReceiveEndpointConfigurator endpointConfigurator,
        IConsumerConfigurator<LeadsReceivedConsumer> consumerConfigurator, IRegistrationContext context)
    {
        if (endpointConfigurator is IRabbitMqReceiveEndpointConfigurator rabbit) rabbit.PrefetchCount = 4;
    }
}

/// <summary>
/// Records a batch of new lead snapshots and scores each against the latest version of every ICP of
/// the tenant, in one transaction: the snapshots and scores as two events on the batch's own stream,
/// and the rows that index them. Snapshots already recorded (a redelivery, a relay re-publishing
/// after a crash, an older snapshot after a newer one) are skipped; the primary keys turn a race
/// between two consumers into a retry that then skips them too.
/// </summary>
public sealed class LeadsReceivedConsumer(ScoringDatabase database, IDocumentStore store, TimeProvider clock)
    : IConsumer<LeadsReceived>
{
    public async Task Consume(ConsumeContext<LeadsReceived> context)
    {
        var batch = context.Message;
        // The newest snapshot of each lead, in uuid order (Postgres's, as the rows' keys are taken by
        // every writer) so that two writers never deadlock. Canonical forms are made outside the transaction.
        var arriving = batch.Leads
            .GroupBy(l => l.LeadId)
            .Select(g => g.MaxBy(l => l.Snapshot)!)
            .OrderBy(l => l.LeadId.ToString("N"), StringComparer.Ordinal)
            .Select(l => (Received: l, Score: new LeadToScore(l.LeadId, l.Snapshot, l.Lead.GetRawText(), CanonicalJson.Serialize(l.Lead))))
            .ToList();
        if (arriving.Count == 0) return;
        await ConflictRetry.ExecuteAsync(token => RecordAsync(batch.TenantId, arriving, token), context.CancellationToken);
    }

    private async Task<int> RecordAsync(Guid tenantId, IReadOnlyList<(LeadReceived Received, LeadToScore Score)> arriving,
        CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var tx = await database.BeginWriteAsync(connection, ct);
        await ScoringDatabase.LockTenantSharedAsync(connection, tenantId, ct);

        var known = await KnownSnapshotsAsync(connection, tenantId, [.. arriving.Select(a => a.Received.LeadId)], ct);
        var fresh = arriving.Where(a => !known.TryGetValue(a.Received.LeadId, out var s) || s < a.Received.Snapshot).ToList();
        if (fresh.Count == 0)
        {
            await tx.CommitAsync(ct);
            return 0;
        }

        var versions = await PublishedVersions.LatestAsync(connection, tenantId, ct);
        var now = clock.GetUtcNow();
        var scores = LeadScoring.ScoreAll([.. fresh.Select(a => a.Score)], versions, now);
        var snapshots = fresh.Select(a => a.Received)
            .Select(l => new LeadSnapshot(l.LeadId, l.ExternalId, l.Snapshot, l.Lead, l.Raw, l.ReceivedAt))
            .ToList();

        var batchId = Guid.CreateVersion7();
        // The guarded rows first: a lost race fails before any event is written.
        await ScoreLedger.IndexSnapshotsAsync(connection, tenantId, batchId, snapshots, ct);
        if (scores.Length > 0) await ScoreLedger.IndexScoresAsync(connection, tenantId, batchId, scores, ct);
        await ScoreLedger.UpsertLeadsAsync(connection, tenantId,
            [.. fresh.Select((a, i) => (snapshots[i], a.Score.Lead, a.Score.LeadCanonical))], ct);
        object[] events = scores.Length > 0
            ? [new LeadSnapshotsRecorded(batchId, snapshots, now), new LeadsScored(batchId, scores, now)]
            : [new LeadSnapshotsRecorded(batchId, snapshots, now)];
        await ScoreLedger.AppendAsync(store, tx, tenantId, batchId, ct, events);
        await tx.CommitAsync(ct);
        return fresh.Count;
    }

    private static async Task<Dictionary<Guid, int>> KnownSnapshotsAsync(NpgsqlConnection connection, Guid tenantId,
        Guid[] leadIds, CancellationToken ct)
    {
        await using var command = new NpgsqlCommand(
            $"select lead_id, snapshot from {ScoringTables.Schema}.leads where tenant_id = $1 and lead_id = any($2)", connection);
        command.Parameters.Add(new NpgsqlParameter<Guid> { TypedValue = tenantId });
        command.Parameters.Add(new NpgsqlParameter<Guid[]> { TypedValue = leadIds });
        var known = new Dictionary<Guid, int>();
        await using var reader = await command.ExecuteReaderAsync(ct);
        while (await reader.ReadAsync(ct)) known[reader.GetGuid(0)] = reader.GetInt32(1);
        return known;
    }
}
