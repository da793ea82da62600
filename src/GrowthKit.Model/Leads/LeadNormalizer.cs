using System.Text.Json;
using System.Text.RegularExpressions;

namespace GrowthKit.Model;

/// <summary>
/// Brings a lead to the one form that is stored, scored and hashed, so that input differing only in
/// spacing, the case of a domain, repeated terms, or how a country or industry is named yields the
/// same snapshot: countries become ISO 3166-1 alpha-2 codes, industries NAICS sector titles, and
/// sizes sent as ranges numbers (<see cref="Quantity"/>, applied when the lead is read).
/// </summary>
public static partial class LeadNormalizer
{
    public static Lead Normalize(Lead lead)
    {
        ArgumentNullException.ThrowIfNull(lead);
        return new Lead(
            Text(lead.ExternalId),
            lead.Company is null ? null : Normalize(lead.Company),
            Terms(lead.Signals),
            Terms(lead.PainPoints),
            lead.Contact is null ? null : Normalize(lead.Contact),
            Attributes(lead.Attributes));
    }

    // Sizes and revenues given as text ("51-200") were already read as numbers (Quantity).
    private static Company Normalize(Company company) => company with
    {
        Name = Text(company.Name) is { } name ? Whitespace().Replace(name, " ") : null,
        Domain = Text(company.Domain)?.ToLowerInvariant(),
        Industry = Industry(company.Industry),
        Country = Country(company.Country),
    };

    /// <summary>
    /// The ISO 3166-1 alpha-2 code for a code, alpha-3 code, name or alias ("Germany", "DEU", "de" → "DE");
    /// unknown text stays as sent, trimmed (an unknown two-letter code upper-cased, as codes are written).
    /// </summary>
    public static string? Country(string? country) =>
        Taxonomy.NormalizeCountry(country)
        ?? (Text(country) is { Length: 2 } code ? code.ToUpperInvariant() : Text(country));

    /// <summary>
    /// The NAICS sector title for a title, code or common synonym ("logistics" → "Transportation and
    /// Warehousing"); unknown text stays as sent, trimmed.
    /// </summary>
    public static string? Industry(string? industry) => Taxonomy.NormalizeIndustry(industry) ?? Text(industry);

    // A contact with nothing known is no contact: "contact": {} and no contact give the same snapshot.
    private static Contact? Normalize(Contact contact)
    {
        var normalised = new Contact(Text(contact.Title), Text(contact.Seniority), Text(contact.Department));
        return normalised is { Title: null, Seniority: null, Department: null } ? null : normalised;
    }

    private static string? Text(string? value) =>
        value?.Trim() is { Length: > 0 } trimmed ? trimmed : null;

    // Dedupe is ordinal and keeps the first occurrence; an empty list becomes null, as "" does.
    private static IReadOnlyList<string>? Terms(IReadOnlyList<string>? terms)
    {
        if (terms is null)
            return null;
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var kept = new List<string>();
        foreach (var term in terms)
        {
            if (Text(term) is { } text && seen.Add(text))
                kept.Add(text);
        }
        return kept.Count == 0 ? null : kept;
    }

    private static IReadOnlyDictionary<string, JsonElement>? Attributes(IReadOnlyDictionary<string, JsonElement>? attributes)
    {
        if (attributes is null)
            return null;
        var kept = Members(attributes.Select(pair => (pair.Key, pair.Value)));
        return kept.Count == 0 ? null : kept;
    }

    // Names are trimmed; on a clash the last one wins, as it does for duplicate JSON members.
    private static Dictionary<string, JsonElement> Members(IEnumerable<(string Name, JsonElement Value)> members)
    {
        var kept = new Dictionary<string, JsonElement>(StringComparer.Ordinal);
        foreach (var (name, value) in members)
        {
            if (Text(name) is not { } key)
                continue;
            if (Value(value) is { } normalised)
                kept[key] = normalised;
            else
                kept.Remove(key);
        }
        return kept;
    }

    // Custom fields get the same treatment at any depth: text trimmed, and "", [], {} and null dropped.
    private static JsonElement? Value(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => Text(value.GetString()) is { } text ? ToElement(text) : null,
        JsonValueKind.Array => value.EnumerateArray().Select(Value).OfType<JsonElement>().ToList() is { Count: > 0 } items
            ? ToElement(items)
            : null,
        JsonValueKind.Object => Members(value.EnumerateObject().Select(m => (m.Name, m.Value))) is { Count: > 0 } members
            ? ToElement(members)
            : null,
        JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False => value.Clone(),
        _ => null,
    };

    private static JsonElement ToElement<T>(T value) => JsonSerializer.SerializeToElement(value, ModelJson.Options);

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
