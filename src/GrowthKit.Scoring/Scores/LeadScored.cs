using GrowthKit.Model;

namespace GrowthKit.Scoring.Scores;

/// <summary>
/// One entry of the immutable score ledger (a stream per lead): exactly one per (lead snapshot,
/// ICP version). It names everything needed to recompute it and verify <see cref="InputHash"/>.
/// </summary>
public sealed record LeadScored(
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
