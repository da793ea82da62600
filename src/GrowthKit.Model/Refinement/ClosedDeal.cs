using System.Text.Json;

namespace GrowthKit.Model;

/// <summary>A closed deal as refinement reads it: the lead's latest normalised snapshot and how the deal ended.</summary>
public sealed record ClosedDeal(string DealId, JsonElement Lead, bool Won, DateTimeOffset ClosedAt);
