using System.Text.Json;
using System.Text.Json.Serialization;
using GrowthKit.Model;
using GrowthKit.Scoring.Ledger;

namespace GrowthKit.Scoring.LeadsView;

/// <summary>A lead: its current normalised snapshot, what was sent, and its current score for each published ICP.</summary>
public sealed record LeadResponse(
    Guid LeadId, string ExternalId, int Snapshot, JsonElement Lead, JsonElement Raw, IReadOnlyList<ScoreResponse> Scores);

/// <summary>API.md's score shape.</summary>
public sealed record ScoreResponse(
    Guid IcpId, int IcpVersion, int Snapshot, decimal Score, string Tier,
    IReadOnlyList<CriterionResult> Breakdown,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] DisqualifiedBy? DisqualifiedBy,
    string ModelVersion, string InputHash, DateTimeOffset ScoredAt)
{
    public static ScoreResponse From(LeadScored s) => new(s.IcpId, s.IcpVersion, s.Snapshot, s.Score, s.Tier,
        s.Breakdown, s.DisqualifiedBy, s.ModelVersion, s.InputHash, s.ScoredAt);
}
