using System.Text.Json;

namespace GrowthKit.Model;

/// <summary>
/// Customers as derivation reads them: normalised as a stored lead is, with country and industry
/// also brought to their taxonomy values, and in the JSON form the scorer matches against.
/// </summary>
internal sealed class CustomerSet
{
    public CustomerSet(IReadOnlyList<Lead> leads)
    {
        Leads = [.. leads.Select(Normalize)];
        Json = [.. Leads.Select(LeadJson.ToElement)];
    }

    public IReadOnlyList<Lead> Leads { get; }

    public IReadOnlyList<JsonElement> Json { get; }

    public int Count => Leads.Count;

    /// <summary>How many customers the condition matches, by the scorer's own semantics.</summary>
    public int CountMatching(ICondition condition) =>
        Json.Count(lead => ConditionMatcher.Matches(condition, LeadPath.Resolve(lead, condition.Field)));

    /// <summary>Each customer's distinct text values at the field (a list contributes its text elements).</summary>
    public IEnumerable<IReadOnlyList<string>> TextsAt(string field) =>
        Json.Select(lead => (IReadOnlyList<string>)[.. Texts(LeadPath.Resolve(lead, field)).Where(text => text.Length > 0).Distinct(StringComparer.OrdinalIgnoreCase)]);

    private static IEnumerable<string> Texts(JsonElement? value) => value switch
    {
        { ValueKind: JsonValueKind.String } text => [text.GetString()!.Trim()],
        { ValueKind: JsonValueKind.Array } list => list.EnumerateArray()
            .Where(item => item.ValueKind == JsonValueKind.String)
            .Select(item => item.GetString()!.Trim()),
        _ => [],
    };

    private static Lead Normalize(Lead lead)
    {
        ArgumentNullException.ThrowIfNull(lead);
        var normalised = LeadNormalizer.Normalize(lead);
        return normalised.Company is not { } company
            ? normalised
            : normalised with
            {
                Company = company with
                {
                    Country = Taxonomy.NormalizeCountry(company.Country) ?? company.Country,
                    Industry = Taxonomy.NormalizeIndustry(company.Industry) ?? company.Industry,
                },
            };
    }
}
