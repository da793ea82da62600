using System.Globalization;
using System.Text.Json;

namespace GrowthKit.Model;

/// <summary>A value observed on a lead at a field: <c>company.industry</c> = "Wholesale Trade", <c>signals</c> = "funding_round".</summary>
public sealed record FieldValue(string Field, string Value);

/// <summary>
/// The values the gap report and the proposals look at: industry, country, size band, signals,
/// pains, seniority, department and custom attributes (text, true/false, or lists of text).
/// </summary>
public static class ObservedValues
{
    /// <summary>Fields whose values are categories a criterion names with <c>in</c> / <c>anyOf</c>.</summary>
    public static IReadOnlyList<string> CategoryFields { get; } =
    [
        FieldPaths.CompanyIndustry, FieldPaths.CompanyCountry, FieldPaths.Signals, FieldPaths.PainPoints,
        FieldPaths.ContactSeniority, FieldPaths.ContactDepartment,
    ];

    /// <summary>Size is reported by band (<see cref="Taxonomy.CompanySizes"/>): "51-200".</summary>
    public const string SizeField = FieldPaths.CompanyEmployeeCount;

    public static IEnumerable<FieldValue> Of(JsonElement lead)
    {
        foreach (var field in CategoryFields)
        {
            foreach (var value in Texts(LeadPath.Resolve(lead, field)))
                yield return new FieldValue(field, value);
        }

        if (SizeBandOf(lead) is { } band) yield return new FieldValue(SizeField, band.Value);

        if (lead.ValueKind == JsonValueKind.Object && lead.TryGetProperty("attributes", out var attributes)
            && attributes.ValueKind == JsonValueKind.Object)
        {
            foreach (var attribute in attributes.EnumerateObject())
            {
                // Numbers are left out: a continuous measure has as many values as deals.
                foreach (var value in Texts(attribute.Value, numbers: false))
                    yield return new FieldValue(FieldPaths.AttributesPrefix + attribute.Name, value);
            }
        }
    }

    public static SizeBand? SizeBandOf(JsonElement lead) =>
        LeadPath.Resolve(lead, SizeField) is { ValueKind: JsonValueKind.Number } count && count.TryGetDecimal(out var n)
            ? Taxonomy.CompanySizes.FirstOrDefault(b => n >= b.Min && (b.Max is null || n <= b.Max))
            : null;

    /// <summary>Whether the field's values are lists on this lead (signals, painPoints, a list attribute).</summary>
    public static bool IsList(JsonElement lead, string field) =>
        LeadPath.Resolve(lead, field) is { ValueKind: JsonValueKind.Array };

    private static IEnumerable<string> Texts(JsonElement? element, bool numbers = true)
    {
        if (element is not { } value) yield break;
        if (value.ValueKind == JsonValueKind.Array)
        {
            foreach (var text in value.EnumerateArray().Select(v => Text(v, numbers)).OfType<string>()
                         .Distinct(StringComparer.OrdinalIgnoreCase))
                yield return text;
        }
        else if (Text(value, numbers) is { } text)
        {
            yield return text;
        }
    }

    private static string? Text(JsonElement value, bool numbers) => value.ValueKind switch
    {
        JsonValueKind.String when !string.IsNullOrWhiteSpace(value.GetString()) => value.GetString()!.Trim(),
        JsonValueKind.True => "true",
        JsonValueKind.False => "false",
        JsonValueKind.Number when numbers => value.GetDecimal().ToString(CultureInfo.InvariantCulture),
        _ => null,
    };
}
