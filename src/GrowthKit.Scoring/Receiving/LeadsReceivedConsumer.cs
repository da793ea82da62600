using System.Text.Json;
using GrowthKit.Contracts;
using GrowthKit.Model;
using GrowthKit.Platform.Messaging;
using GrowthKit.Platform.Persistence.Resilience;
using GrowthKit.Scoring.Ledger;
using GrowthKit.Scoring.Scores;
using GrowthKit.Scoring.Storage;
using GrowthKit.ServiceDefaults;
using Marten;
using MassTransit;

namespace GrowthKit.Scoring.Receiving;

public sealed class LeadsReceivedEndpoint : LeadBatchConsumerDefinition<LeadsReceivedConsumer>;

/// <summary>
/// Records a batch of new lead snapshots and scores each against the latest version of every ICP of
/// the tenant, in one transaction: the snapshots and scores as two events on the batch's own stream,
/// and the rows that index them. Snapshots already recorded (a redelivery, a relay re-publishing
/// after a crash, an older snapshot after a newer one) are skipped; the primary keys turn a race
/// between two consumers into a retry that then skips them too.
/// </summary>
public sealed class LeadsReceivedConsumer(ScoringDatabase database, IDocumentStore store, TimeProvider clock,
    ILogger<LeadsReceivedConsumer> logger)
    : IConsumer<LeadsReceived>
{
    public async Task Consume(ConsumeContext<LeadsReceived> context)
    {
        var batch = context.Message;
        var ct = context.CancellationToken;
        // The newest snapshot of each lead, in uuid order (Postgres's, as the rows' keys are taken by
        // every writer) so that two writers never deadlock. Canonical forms are made outside the transaction.
        var newest = batch.Leads
            .GroupBy(l => l.LeadId)
            .Select(g => g.MaxBy(l => l.Snapshot)!)
            .OrderBy(l => l.LeadId.ToString("N"), StringComparer.Ordinal)
            .ToList();
        var arriving = new List<(LeadReceived Received, LeadToScore Score)>(newest.Count);
        var unreadable = new List<(LeadReceived Lead, Exception Error)>();
        foreach (var lead in newest)
        {
            try { arriving.Add((lead, new LeadToScore(lead.LeadId, lead.Snapshot, lead.Lead.GetRawText(), CanonicalJson.Serialize(lead.Lead)))); }
            catch (Exception e) when (e is InvalidOperationException or JsonException or ArgumentException or FormatException)
            {
                unreadable.Add((lead, e));
            }
        }
        if (unreadable.Count > 0) await QuarantineAsync(batch.TenantId, unreadable, ct);
        if (arriving.Count == 0) return;

        try
        {
            await ConflictRetry.ExecuteAsync(token => RecordAsync(batch.TenantId, arriving, token), ct);
        }
        catch (Exception e) when (arriving.Count > 1 && !Failures.IsOutage(e) && !ct.IsCancellationRequested)
        {
            // One lead the database or the scorer refuses must not hold back the rest of its batch (nor,
            // by blocking the queue, anyone else's): lead by lead, each failing one is set aside.
            logger.LogWarning(e, "A batch of {Count} leads of tenant {Tenant} failed; recording them one by one", arriving.Count, batch.TenantId);
            foreach (var one in arriving)
            {
                try
                {
                    await ConflictRetry.ExecuteAsync(token => RecordAsync(batch.TenantId, [one], token), ct);
                }
                catch (Exception single) when (!Failures.IsOutage(single) && !ct.IsCancellationRequested)
                {
                    await QuarantineAsync(batch.TenantId, [(one.Received, single)], ct);
                }
            }
        }
    }

    private async Task QuarantineAsync(Guid tenantId, IReadOnlyList<(LeadReceived Lead, Exception Error)> leads, CancellationToken ct)
    {
        logger.LogWarning("Quarantined {Count} leads of tenant {Tenant}: {Reason}", leads.Count, tenantId, leads[0].Error.Message);
        await using var connection = await database.OpenAsync(ct);
        await Quarantine.AddAsync(connection, tenantId,
            leads.Select(l => (l.Lead.LeadId, l.Lead.Snapshot, (Guid?)null, (int?)null, Quarantine.ReasonOf(l.Error))), clock.GetUtcNow(), ct);
    }

    private async Task<int> RecordAsync(Guid tenantId, IReadOnlyList<(LeadReceived Received, LeadToScore Score)> arriving,
        CancellationToken ct)
    {
        await using var connection = await database.OpenAsync(ct);
        await using var tx = await database.BeginWriteAsync(connection, ct);
        await ScoringDatabase.LockTenantSharedAsync(connection, tenantId, ct);

        var known = await LeadSnapshots.CurrentNumbersAsync(connection, tenantId, [.. arriving.Select(a => a.Received.LeadId)], ct);
        var fresh = arriving.Where(a => !known.TryGetValue(a.Received.LeadId, out var s) || s < a.Received.Snapshot).ToList();
        if (fresh.Count == 0)
        {
            await tx.CommitAsync(ct);
            return 0;
        }

        var versions = await IcpVersions.LatestAsync(connection, tenantId, ct);
        var now = clock.GetUtcNow();
        var scored = LeadScoring.ScoreAll([.. fresh.Select(a => a.Score)], versions, now);
        var scores = scored.Scores;
        var snapshots = fresh.Select(a => a.Received)
            .Select(l => new LeadSnapshot(l.LeadId, l.ExternalId, l.Snapshot, l.Lead, l.Raw, l.ReceivedAt))
            .ToList();

        var batchId = Guid.CreateVersion7();
        // The guarded rows first: a lost race fails before any event is written.
        await LeadSnapshots.IndexAsync(connection, tenantId, batchId, snapshots, ct);
        if (scores.Length > 0) await LeadScores.IndexAsync(connection, tenantId, batchId, scores, ct);
        await LeadSnapshots.UpsertCurrentAsync(connection, tenantId,
            [.. fresh.Select((a, i) => (snapshots[i], a.Score.Lead, a.Score.LeadCanonical))], ct);
        object[] events = scores.Length > 0
            ? [new LeadSnapshotsRecorded(batchId, snapshots, now), new LeadsScored(batchId, scores, now)]
            : [new LeadSnapshotsRecorded(batchId, snapshots, now)];
        await ScoreLedger.AppendAsync(store, tx, tenantId, batchId, ct, events);
        await ScoredSnapshots.MeterAsync(connection, tenantId, scores, now, ct);
        // Recorded, but not scored against a version it breaks: set aside in the same transaction.
        await Quarantine.AddAsync(connection, tenantId,
            scored.Failures.Select(f => (f.Lead.LeadId, f.Lead.Snapshot, (Guid?)f.IcpId, (int?)f.Version, Quarantine.ReasonOf(f.Error))), now, ct);
        await tx.CommitAsync(ct);
        return fresh.Count;
    }
}
