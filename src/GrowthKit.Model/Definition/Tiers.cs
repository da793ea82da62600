using System.Text.Json.Serialization;

namespace GrowthKit.Model;

/// <summary>Score thresholds; a missing one takes its default (75 / 50 / 25).</summary>
/// <remarks>The contract spells the tier names in upper case (<c>"tiers": {"A": 75}</c>), so the JSON names are pinned.</remarks>
public sealed record Tiers(
    [property: JsonPropertyName("A")] decimal? A,
    [property: JsonPropertyName("B")] decimal? B,
    [property: JsonPropertyName("C")] decimal? C)
{
    public const decimal DefaultA = 75m;
    public const decimal DefaultB = 50m;
    public const decimal DefaultC = 25m;

    // Derived, so kept out of the JSON: the definition is stored and hashed exactly as sent.
    [JsonIgnore] public decimal EffectiveA => A ?? DefaultA;
    [JsonIgnore] public decimal EffectiveB => B ?? DefaultB;
    [JsonIgnore] public decimal EffectiveC => C ?? DefaultC;

    public static Tiers Default { get; } = new(null, null, null);
}
