using GrowthKit.Testing;

namespace GrowthKit.Bench.Refinement;

/// <summary>
/// What the team believes about its market before any outcome: API.md's example ICP, partly wrong
/// against <see cref="HiddenTruth"/> (region, triggers, the weight of size; it misses a pain and the
/// contact's seniority).
/// </summary>
public static class StatedIcp
{
    public static readonly string Definition = ExampleIcp.Definition(
            "Mid-market logistics operators (stated)",
            "The refinement benchmark's stated ICP: what the team believes before any outcome",
            personas: false)
        .ToJsonString();
}
