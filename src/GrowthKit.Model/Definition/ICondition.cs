using System.Text.Json;

namespace GrowthKit.Model;

/// <summary>What criteria and disqualifiers share: a field path, an operator and its operand.</summary>
public interface ICondition
{
    string? Key { get; }
    string? Field { get; }
    string? Operator { get; }
    IReadOnlyList<JsonElement>? Values { get; }
    decimal? Min { get; }
    decimal? Max { get; }
    JsonElement? Value { get; }
}
