using System.Text.Json;

namespace GrowthKit.Model;

/// <summary>A weighted test on one field of the lead. <c>values</c> and <c>value</c> hold strings or numbers.</summary>
public sealed record Criterion(
    string? Key,
    string? Field,
    string? Operator,
    IReadOnlyList<JsonElement>? Values,
    decimal? Min,
    decimal? Max,
    JsonElement? Value,
    decimal? Weight) : ICondition;
