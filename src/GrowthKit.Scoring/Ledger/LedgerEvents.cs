using System.Text.Json;
using GrowthKit.Model;

namespace GrowthKit.Scoring.Ledger;

/// <summary>
/// The snapshots of one lead batch, as scoring received them. A batch is a stream of its own (its
/// id is <paramref name="BatchId"/>); <c>lead_snapshots</c> says which entry holds which snapshot.
/// </summary>
public sealed record LeadSnapshotsRecorded(Guid BatchId, IReadOnlyList<LeadSnapshot> Snapshots, DateTimeOffset RecordedAt);

/// <summary>One snapshot of a lead: <paramref name="Lead"/> is the normalised form scores read, <paramref name="Raw"/> what was sent.</summary>
public sealed record LeadSnapshot(
    Guid LeadId, string ExternalId, int Snapshot, JsonElement Lead, JsonElement Raw, DateTimeOffset ReceivedAt);

/// <summary>
/// Scores given together (to a lead batch on arrival, or to a page of leads re-scored against a new
/// version): the immutable score ledger. Exactly one entry per (lead snapshot, ICP version) exists
/// across all of them; <c>lead_scores</c> says which entry holds which.
/// </summary>
public sealed record LeadsScored(Guid BatchId, IReadOnlyList<ScoreEntry> Scores, DateTimeOffset ScoredAt);

/// <summary>
/// One score: it names everything needed to recompute it (the lead snapshot, the ICP version, the
/// model version) and to verify <see cref="InputHash"/>.
/// </summary>
public sealed record ScoreEntry(
    Guid LeadId,
    Guid IcpId,
    int IcpVersion,
    int Snapshot,
    decimal Score,
    string Tier,
    IReadOnlyList<CriterionResult> Breakdown,
    DisqualifiedBy? DisqualifiedBy,
    string ModelVersion,
    string InputHash,
    DateTimeOffset ScoredAt);

/// <summary>
/// An ICP version as it was published, on a stream per ICP: what re-computing a score loads.
/// <paramref name="Definition"/> is kept exactly as the publication carried it.
/// </summary>
public sealed record IcpVersionRecorded(
    Guid IcpId, int Version, JsonElement Definition, string PublishedBy, string? Reason, DateTimeOffset PublishedAt);

public static class LedgerEventTypes
{
    // Pinned, since raw reads of the ledger select by them and a rename must not orphan old events.
    public const string LeadSnapshotsRecorded = "lead_snapshots_recorded";
    public const string LeadsScored = "leads_scored";
    public const string IcpVersionRecorded = "icp_version_recorded";

    public static void Register(Marten.StoreOptions opts)
    {
        opts.Events.MapEventType<LeadSnapshotsRecorded>(LeadSnapshotsRecorded);
        opts.Events.MapEventType<LeadsScored>(LeadsScored);
        opts.Events.MapEventType<IcpVersionRecorded>(IcpVersionRecorded);
    }
}
