using System.Text.Json.Serialization;

namespace GrowthKit.Model;

public sealed record ScoreResult(
    decimal Score,
    string Tier,
    IReadOnlyList<CriterionResult> Breakdown,
    // The contract shows "disqualifiedBy": null, so it is written even though nulls are usually omitted.
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] DisqualifiedBy? DisqualifiedBy);
