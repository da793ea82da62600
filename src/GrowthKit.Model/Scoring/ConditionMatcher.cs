using System.Text.Json;

namespace GrowthKit.Model;

/// <summary>The operators' semantics over the lead's value at a condition's field.</summary>
public static class ConditionMatcher
{
    public static bool Matches(ICondition condition, JsonElement? actual)
    {
        ArgumentNullException.ThrowIfNull(condition);

        // A list field is tested element by element and a scalar is a one-element list; blank text,
        // empty lists and missing fields leave nothing to test, so no operator matches them (exists neither).
        var items = actual is not { } value ? []
            : value.ValueKind == JsonValueKind.Array ? value.EnumerateArray().Where(JsonScalar.IsPresent).ToList()
            : JsonScalar.IsPresent(value) ? [value]
            : new List<JsonElement>();
        if (items.Count == 0)
            return false;

        return condition.Operator switch
        {
            Operators.Exists => true,
            Operators.In or Operators.AnyOf => condition.Values is { } listed && items.Any(item => IsListed(item, listed)),
            Operators.NotIn or Operators.NoneOf => condition.Values is { } listed && !items.Any(item => IsListed(item, listed)),
            Operators.AllOf => condition.Values is { Count: > 0 } listed
                && listed.All(wanted => items.Any(item => JsonScalar.AreEqual(item, wanted))),
            Operators.Contains => condition.Value is { } needle && JsonScalar.Text(needle) is { Length: > 0 } part
                && items.Any(item => JsonScalar.Text(item)?.Contains(part, StringComparison.OrdinalIgnoreCase) == true),
            Operators.Between => condition is { Min: { } min, Max: { } max }
                && items.Any(item => JsonScalar.Number(item) is { } n && n >= min && n <= max),
            Operators.Gt => Compares(items, condition.Value, (n, bound) => n > bound),
            Operators.Gte => Compares(items, condition.Value, (n, bound) => n >= bound),
            Operators.Lt => Compares(items, condition.Value, (n, bound) => n < bound),
            Operators.Lte => Compares(items, condition.Value, (n, bound) => n <= bound),
            _ => false,
        };
    }

    private static bool IsListed(JsonElement item, IReadOnlyList<JsonElement> listed) =>
        listed.Any(candidate => JsonScalar.AreEqual(item, candidate));

    private static bool Compares(List<JsonElement> items, JsonElement? operand, Func<decimal, decimal, bool> holds) =>
        operand is { } value && JsonScalar.Number(value) is { } bound
        && items.Any(item => JsonScalar.Number(item) is { } n && holds(n, bound));
}
