using System.Globalization;
using System.Text.Json;
using GrowthKit.Web.Api;

namespace GrowthKit.Web.Components;

/// <summary>Criteria, values and numbers in words a sales person reads without the API docs.</summary>
public static class Describe
{
    private static readonly Dictionary<string, string> Fields = new(StringComparer.OrdinalIgnoreCase)
    {
        ["company.name"] = "Company name",
        ["company.domain"] = "Company domain",
        ["company.industry"] = "Industry",
        ["company.employeeCount"] = "Employee count",
        ["company.annualRevenue"] = "Annual revenue",
        ["company.country"] = "Country",
        ["signals"] = "Buying signals",
        ["painPoints"] = "Pain points",
        ["contact.title"] = "Contact's title",
        ["contact.seniority"] = "Contact's seniority",
        ["contact.department"] = "Contact's department",
    };

    public static string Field(string? field) =>
        field is null ? "?" :
        Fields.TryGetValue(field, out var label) ? label :
        field.StartsWith("attributes.", StringComparison.OrdinalIgnoreCase) ? $"{field["attributes.".Length..]} (custom field)" :
        field;

    /// <summary>"Industry is one of Transportation and Warehousing, Wholesale Trade".</summary>
    public static string Condition(ICondition? c)
    {
        if (c is null) return "—";
        var field = Field(c.Field);
        var values = List(c.Values);
        return c.Operator switch
        {
            "in" => $"{field} is one of {values}",
            "notIn" => $"{field} is none of {values}",
            "between" => $"{field} is between {Number(c.Min)} and {Number(c.Max)}",
            "gt" => $"{field} is more than {Value(c.Value)}",
            "gte" => $"{field} is at least {Value(c.Value)}",
            "lt" => $"{field} is less than {Value(c.Value)}",
            "lte" => $"{field} is at most {Value(c.Value)}",
            "anyOf" => $"{field} include any of {values}",
            "allOf" => $"{field} include all of {values}",
            "noneOf" => $"{field} include none of {values}",
            "exists" => $"{field} is known",
            "contains" => $"{field} contains “{Value(c.Value)}”",
            _ => $"{field} {c.Operator} {values}{Value(c.Value)}",
        };
    }

    public static string Weight(decimal? weight) => weight switch
    {
        null => "no weight",
        > 0 => $"+{Number(weight)}",
        < 0 => $"−{Number(-weight)}",
        _ => "0",
    };

    public static string Number(decimal? n) =>
        n is { } v ? v.ToString(v == decimal.Truncate(v) ? "#,0" : "#,0.##", CultureInfo.InvariantCulture) : "any";

    public static string List(IEnumerable<object>? values) =>
        values is null ? "" : string.Join(", ", values.Select(v => Value(Element(v))));

    /// <summary>An untyped JSON value of the contract (a condition's values): read as a JsonElement, or made one.</summary>
    public static JsonElement Element(object? value) =>
        value is JsonElement e ? e : JsonSerializer.SerializeToElement(value);

    /// <summary>A JSON value as text: snake_case terms get their spaces back, lists are joined, null is "—".</summary>
    public static string Value(JsonElement? value) => value switch
    {
        null => "—",
        { ValueKind: JsonValueKind.Null or JsonValueKind.Undefined } => "—",
        { ValueKind: JsonValueKind.String } v => Term(v.GetString()!),
        { ValueKind: JsonValueKind.Number } v => Number(v.GetDecimal()),
        { ValueKind: JsonValueKind.True } => "yes",
        { ValueKind: JsonValueKind.False } => "no",
        { ValueKind: JsonValueKind.Array } v => v.GetArrayLength() == 0 ? "none" : string.Join(", ", v.EnumerateArray().Select(x => Value(x))),
        { } v => v.GetRawText(),
    };

    public static string Term(string text) => text.Contains('_') && !text.Contains(' ') ? text.Replace('_', ' ') : text;

    public static string Percent(decimal? rate) =>
        rate is { } r ? (r * 100).ToString("0.#", CultureInfo.InvariantCulture) + " %" : "—";

    public static string When(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd HH:mm:ss 'UTC'", CultureInfo.InvariantCulture);

    public static string TierClass(string? tier) => "tier tier-" + (tier ?? "none").ToLowerInvariant();

    public static string TierLabel(string? tier) => tier switch
    {
        "disqualified" => "Disqualified",
        null => "—",
        _ => $"Tier {tier}",
    };
}
