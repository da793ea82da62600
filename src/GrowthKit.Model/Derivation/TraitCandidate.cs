using System.Text.Json;

namespace GrowthKit.Model;

/// <summary>
/// A trait the best customers may share, as the criterion that would test it, before it is measured.
/// Several candidates may share a key (a list of countries, or a region): the sharpest one is kept.
/// </summary>
/// <param name="Order">The trait's place in field order, the tie-break after lift.</param>
/// <param name="Description">The trait in words, for the evidence's "why".</param>
/// <param name="BaseRate">The share of companies assumed to have the trait when no other customers are given.</param>
/// <param name="BaseRateBasis">Where <paramref name="BaseRate"/> comes from, in words.</param>
internal sealed record TraitCandidate(
    int Order,
    string Key,
    string Field,
    string Operator,
    IReadOnlyList<string>? Values,
    decimal? Min,
    decimal? Max,
    string Description,
    decimal BaseRate,
    string BaseRateBasis)
{
    public IReadOnlyList<JsonElement>? JsonValues { get; } =
        Values?.Select(value => JsonSerializer.SerializeToElement(value, ModelJson.Options)).ToList();

    public Criterion ToCriterion(decimal weight) => new(Key, Field, Operator, JsonValues, Min, Max, null, weight);
}
