using System.Text.Json;
using System.Text.Json.Serialization;

namespace GrowthKit.Model;

/// <summary>One criterion's part in a score: its declared weight and the signed weight it added (0 when unmatched).</summary>
public sealed record CriterionResult(
    string Key,
    bool Matched,
    decimal Weight,
    decimal Contribution,
    // The contract shows "actual": null for a missing field, so it is written even though nulls are usually omitted.
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] JsonElement? Actual);
