using System.Text.Json;
using System.Text.RegularExpressions;

namespace GrowthKit.Model;

/// <summary>
/// Brings a lead to the one form that is stored, scored and hashed, so that input differing only in
/// spacing, the case of a domain or country code, or repeated terms yields the same snapshot.
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

    private static Company Normalize(Company company) => company with
    {
        Name = Text(company.Name) is { } name ? Whitespace().Replace(name, " ") : null,
        Domain = Text(company.Domain)?.ToLowerInvariant(),
        Industry = Text(company.Industry),
        Country = Text(company.Country) is { Length: 2 } code ? code.ToUpperInvariant() : Text(company.Country),
    };

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
