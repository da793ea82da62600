using System.Globalization;
using System.Text.Json;
using GrowthKit.Web.Api;

namespace GrowthKit.Web.Components.Shared;

/// <summary>
/// A definition as form fields (lists as comma-separated text), and back. The API validates; its
/// messages are shown beside the fields they name.
/// </summary>
public sealed class DefinitionEdit
{
    public static readonly (string Value, string Label)[] Operators =
    [
        ("in", "is one of"), ("notIn", "is none of"), ("between", "is between"),
        ("gt", "is more than"), ("gte", "is at least"), ("lt", "is less than"), ("lte", "is at most"),
        ("anyOf", "includes any of"), ("allOf", "includes all of"), ("noneOf", "includes none of"),
        ("exists", "is known"), ("contains", "contains"),
    ];

    public static readonly string[] KnownFields =
    [
        "company.industry", "company.employeeCount", "company.annualRevenue", "company.country", "company.name",
        "company.domain", "signals", "painPoints", "contact.title", "contact.seniority", "contact.department",
    ];

    public string Name { get; set; } = "";
    public string Description { get; set; } = "";
    public List<ConditionEdit> Criteria { get; } = [];
    public List<ConditionEdit> Disqualifiers { get; } = [];
    public List<PersonaEdit> Personas { get; } = [];
    public decimal? TierA { get; set; }
    public decimal? TierB { get; set; }
    public decimal? TierC { get; set; }

    public static DefinitionEdit From(IcpDefinition d)
    {
        var edit = new DefinitionEdit
        {
            Name = d.Name ?? "",
            Description = d.Description ?? "",
            TierA = d.Tiers?.A,
            TierB = d.Tiers?.B,
            TierC = d.Tiers?.C,
        };
        edit.Criteria.AddRange((d.Criteria ?? []).Select(c => ConditionEdit.From(c, c.Weight, null)));
        edit.Disqualifiers.AddRange((d.Disqualifiers ?? []).Select(x => ConditionEdit.From(x, null, x.Reason)));
        edit.Personas.AddRange((d.Personas ?? []).Select(p => new PersonaEdit
        {
            Role = p.Role ?? "",
            Seniority = string.Join(", ", p.Seniority ?? []),
            Department = string.Join(", ", p.Department ?? []),
        }));
        return edit;
    }

    public IcpDefinition ToDefinition() => new()
    {
        Name = Name.Trim(),
        Description = string.IsNullOrWhiteSpace(Description) ? null : Description.Trim(),
        Criteria = [.. Criteria.Select(c => new Criterion
        {
            Key = c.Key.Trim(), Field = c.Field.Trim(), Operator = c.Operator, Values = c.ValuesOrNull(), Min = c.MinOrNull(),
            Max = c.MaxOrNull(), Value = c.ValueOrNull(), Weight = c.Weight,
        })],
        Disqualifiers = [.. Disqualifiers.Select(c => new Disqualifier
        {
            Key = c.Key.Trim(), Field = c.Field.Trim(), Operator = c.Operator, Values = c.ValuesOrNull(), Min = c.MinOrNull(),
            Max = c.MaxOrNull(), Value = c.ValueOrNull(), Reason = string.IsNullOrWhiteSpace(c.Reason) ? null : c.Reason.Trim(),
        })],
        Personas = [.. Personas.Where(p => !string.IsNullOrWhiteSpace(p.Role)).Select(p => new Persona
        {
            Role = p.Role.Trim(), Seniority = Split(p.Seniority), Department = Split(p.Department),
        })],
        Tiers = TierA is null && TierB is null && TierC is null ? null : new Tiers { A = TierA, B = TierB, C = TierC },
    };

    private static List<string>? Split(string text) =>
        text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries) is { Length: > 0 } parts ? [.. parts] : null;

    internal static JsonElement Element(string text) =>
        decimal.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var n)
            ? JsonSerializer.SerializeToElement(n)
            : JsonSerializer.SerializeToElement(text);
}

public sealed class ConditionEdit
{
    public string Key { get; set; } = "";
    public string Field { get; set; } = "company.industry";
    public string Operator { get; set; } = "in";
    public string Values { get; set; } = "";
    public decimal? Min { get; set; }
    public decimal? Max { get; set; }
    public string Value { get; set; } = "";
    public decimal? Weight { get; set; } = 10;
    public string Reason { get; set; } = "";

    public bool TakesList => Operator is "in" or "notIn" or "anyOf" or "allOf" or "noneOf";
    public bool TakesRange => Operator == "between";
    public bool TakesValue => Operator is "gt" or "gte" or "lt" or "lte" or "contains";

    public static ConditionEdit From(ICondition c, decimal? weight, string? reason) => new()
    {
        Key = c.Key ?? "",
        Field = c.Field ?? "",
        Operator = c.Operator ?? "in",
        Values = string.Join(", ", (c.Values ?? []).Select(Describe.Element).Select(v => v.ValueKind == JsonValueKind.String ? v.GetString() : v.GetRawText())),
        Min = c.Min,
        Max = c.Max,
        Value = c.Value is { ValueKind: JsonValueKind.String } s ? s.GetString()! : c.Value?.GetRawText() ?? "",
        Weight = weight,
        Reason = reason ?? "",
    };

    internal List<object>? ValuesOrNull() => TakesList
        ? [.. Values.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(v => (object)DefinitionEdit.Element(v))]
        : null;

    internal decimal? MinOrNull() => TakesRange ? Min : null;
    internal decimal? MaxOrNull() => TakesRange ? Max : null;
    internal JsonElement? ValueOrNull() =>
        !TakesValue || Value.Trim().Length == 0 ? null
        : Operator == "contains" ? JsonSerializer.SerializeToElement(Value.Trim())
        : DefinitionEdit.Element(Value.Trim());
}

public sealed class PersonaEdit
{
    public string Role { get; set; } = "";
    public string Seniority { get; set; } = "";
    public string Department { get; set; } = "";
}
