using System.Text.Json;

namespace GrowthKit.Model;

/// <summary>A test that, when it matches, scores the lead 0 with tier <c>disqualified</c>.</summary>
public sealed record Disqualifier(
    string? Key,
    string? Field,
    string? Operator,
    IReadOnlyList<JsonElement>? Values,
    decimal? Min,
    decimal? Max,
    JsonElement? Value,
    string? Reason) : ICondition;
