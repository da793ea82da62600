using System.Text.Json;
using System.Text.Json.Serialization;
using GrowthKit.Model;
using GrowthKit.Scoring.Ledger;
using GrowthKit.Scoring.Storage;

namespace GrowthKit.Scoring.LeadsView;

/// <summary>A lead: its current normalised snapshot, what was sent, and its current score for each published ICP.</summary>
public sealed record LeadResponse(
    Guid LeadId, string ExternalId, int Snapshot, JsonElement Lead, JsonElement Raw, IReadOnlyList<ScoreResponse> Scores);

/// <summary>
/// API.md's score shape, and <c>winProbability</c>: the chance of winning that refinement's calibration
/// of this ICP version gives the score, read beside the recorded score (never part of it, nor of its
/// input hash); null until the tenant's closed deals hold enough won and lost ones.
/// </summary>
public sealed record ScoreResponse(
    Guid IcpId, int IcpVersion, int Snapshot, decimal Score, string Tier,
    IReadOnlyList<CriterionResult> Breakdown,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] DisqualifiedBy? DisqualifiedBy,
    string ModelVersion, string InputHash, DateTimeOffset ScoredAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? WinProbability)
{
    public static ScoreResponse From(ScoreEntry s, double? winProbability) => new(s.IcpId, s.IcpVersion, s.Snapshot, s.Score, s.Tier,
        s.Breakdown, s.DisqualifiedBy, s.ModelVersion, s.InputHash, s.ScoredAt, winProbability);

    /// <summary>The recorded scores, each with its version's win probability when there is a calibration.</summary>
    public static IReadOnlyList<ScoreResponse> From(IReadOnlyList<ScoreEntry> scores,
        IReadOnlyDictionary<(Guid IcpId, int Version), WinProbabilityCalibration> calibrations) =>
        [.. scores.Select(s => From(s, calibrations.WinProbability(s.IcpId, s.IcpVersion, s.Score)))];
}
