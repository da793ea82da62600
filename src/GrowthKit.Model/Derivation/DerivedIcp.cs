using System.Text.Json;

namespace GrowthKit.Model;

/// <summary>A proposed draft and, criterion by criterion in the same order, why it was proposed.</summary>
public sealed record DerivedIcp(IcpDefinition Definition, IReadOnlyList<TraitEvidence> Evidence);

/// <summary>
/// The evidence for one proposed criterion (same key, field, operator and operand).
/// <see cref="ShareOfBest"/> is the share of best customers the criterion matches and
/// <see cref="BestCount"/> their number; <see cref="ShareOfBaseline"/> is the share of the other
/// customers it matches (<see cref="Baseline"/> "others", <see cref="BaselineCount"/> their number)
/// or, when no others were given, a base rate from the taxonomy (<see cref="Baseline"/> "base rate",
/// <see cref="BaselineCount"/> 0). Shares are fractions rounded to four decimals.
/// </summary>
public sealed record TraitEvidence(
    string Key,
    string Field,
    string Operator,
    IReadOnlyList<JsonElement>? Values,
    decimal? Min,
    decimal? Max,
    decimal ShareOfBest,
    decimal ShareOfBaseline,
    string Baseline,
    int BestCount,
    int BaselineCount,
    string Why)
{
    public const string Others = "others";
    public const string BaseRate = "base rate";

    /// <summary>How much more common the trait is among the best customers; traits are ranked and weighted by it.</summary>
    public decimal Lift => ShareOfBest - ShareOfBaseline;
}
