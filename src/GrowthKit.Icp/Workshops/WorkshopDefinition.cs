using System.Text;
using System.Text.Json;
using GrowthKit.Model;

namespace GrowthKit.Icp.Workshops;

/// <summary>The definition the answers amount to so far, and the same in one plain-language sentence.</summary>
public sealed record WorkshopPreview(IcpDefinition Definition, string Summary);

/// <summary>
/// The answers → definition mapping, pure. Criteria follow the traits in a fixed order with keys
/// industry, size, revenue, region, trigger, pain, department: <c>in</c> for industry, region and
/// department, <c>between</c> for size and revenue (<c>gte</c>/<c>lte</c> when one end is open),
/// <c>anyOf</c> for signals and pain points. A trait weighted 0 is left out. Regions stay group
/// names here; saving the draft expands them into countries.
/// </summary>
public static class WorkshopDefinition
{
    public static IcpDefinition ToDefinition(WorkshopProfile profile, string? name)
    {
        var criteria = WorkshopTraits.Of(profile)
            .Select(trait => (trait, weight: WorkshopTraits.WeightOf(trait, profile)))
            .Where(t => t.weight != 0)
            .Select(t => Criterion(t.trait.Key, profile, t.weight))
            .ToList();

        var keys = new HashSet<string>(criteria.Select(c => c.Key!), StringComparer.OrdinalIgnoreCase);
        var disqualifiers = profile.Disqualifiers
            .Select(choice => WorkshopDisqualifiers.Resolve(choice, profile))
            .OfType<Disqualifier>()
            .Where(d => keys.Add(d.Key!))
            .ToList();

        return new IcpDefinition(name, null, criteria,
            disqualifiers.Count > 0 ? disqualifiers : null,
            profile.Personas.Count > 0 ? profile.Personas : null,
            null);
    }

    public static WorkshopPreview Preview(WorkshopProfile profile, WorkshopVocabulary vocabulary) =>
        new(ToDefinition(profile, null), Summary(profile, vocabulary));

    /// <summary>
    /// E.g. "Companies in Transportation and Warehousing or Wholesale Trade with 50–500 employees in
    /// DACH that recently raised a funding round and struggle with manual dispatch; decided by a Head
    /// of Operations. Not: fewer than 10 employees."
    /// </summary>
    public static string Summary(WorkshopProfile profile, WorkshopVocabulary vocabulary)
    {
        var text = new StringBuilder("Companies");
        if (profile.Industries.Count > 0) text.Append(" in ").Append(WorkshopText.Or(profile.Industries));
        if (profile.CompanySize is { } size) text.Append(" with ").Append(Span(size, WorkshopText.Number)).Append(" employees");
        if (profile.Revenue is { } revenue)
        {
            text.Append(profile.CompanySize is null ? " with " : " and ").Append(Span(revenue, WorkshopText.Amount)).Append(" annual revenue");
        }
        if (profile.Regions.Count > 0) text.Append(" in ").Append(WorkshopText.Or(profile.Regions.Select(WorkshopText.Place)));

        var clauses = new List<string>();
        if (profile.BuyingTriggers.Count > 0)
        {
            clauses.Add("recently " + WorkshopText.Or(profile.BuyingTriggers.Select(t =>
                WorkshopText.MidSentence(vocabulary.BuyingTriggers.FirstOrDefault(term => term.Value == t)?.Label ?? Words(t)))));
        }
        // Pain terms read better as their words ("manual dispatch") than as their labels' sentences.
        if (profile.PainPoints.Count > 0) clauses.Add("struggle with " + WorkshopText.Or(profile.PainPoints.Select(Words)));
        if (clauses.Count > 0) text.Append(" that ").Append(string.Join(" and ", clauses));

        if (profile.Personas.Count > 0)
        {
            text.Append("; decided by ").Append(WorkshopText.Or(profile.Personas.Select(p => WorkshopText.WithArticle(p.Role!))));
        }
        text.Append('.');

        var reasons = ToDefinition(profile, null).Disqualifiers?.Select(d => WorkshopText.MidSentence(d.Reason!)).ToList() ?? [];
        if (reasons.Count > 0) text.Append(" Not: ").Append(string.Join("; ", reasons)).Append('.');
        return text.ToString();
    }

    private static Criterion Criterion(string trait, WorkshopProfile profile, decimal weight) => trait switch
    {
        WorkshopTraits.Industry => Listed(trait, FieldPaths.CompanyIndustry, Operators.In, profile.Industries, weight),
        WorkshopTraits.Size => Ranged(trait, FieldPaths.CompanyEmployeeCount, profile.CompanySize!, weight),
        WorkshopTraits.Revenue => Ranged(trait, FieldPaths.CompanyAnnualRevenue, profile.Revenue!, weight),
        WorkshopTraits.Region => Listed(trait, FieldPaths.CompanyCountry, Operators.In, profile.Regions, weight),
        WorkshopTraits.Trigger => Listed(trait, FieldPaths.Signals, Operators.AnyOf, profile.BuyingTriggers, weight),
        WorkshopTraits.Pain => Listed(trait, FieldPaths.PainPoints, Operators.AnyOf, profile.PainPoints, weight),
        WorkshopTraits.Department => Listed(trait, FieldPaths.ContactDepartment, Operators.In, profile.Departments, weight),
        _ => throw new ArgumentException($"Unknown trait '{trait}'.", nameof(trait)),
    };

    private static Criterion Listed(string key, string field, string op, IEnumerable<string> values, decimal weight) =>
        new(key, field, op, values.Select(v => JsonSerializer.SerializeToElement(v, ModelJson.Options)).ToList(), null, null, null, weight);

    private static Criterion Ranged(string key, string field, NumberRange range, decimal weight) => range switch
    {
        { Min: { } min, Max: { } max } => new(key, field, Operators.Between, null, min, max, null, weight),
        { Min: { } min } => new(key, field, Operators.Gte, null, null, null, Number(min), weight),
        _ => new(key, field, Operators.Lte, null, null, null, Number(range.Max!.Value), weight),
    };

    private static JsonElement Number(decimal n) => JsonSerializer.SerializeToElement(n, ModelJson.Options);

    private static string Span(NumberRange range, Func<decimal, string> format) => range switch
    {
        { Min: { } min, Max: { } max } => $"{format(min)}–{format(max)}",
        { Min: { } min } => $"at least {format(min)}",
        _ => $"at most {format(range.Max!.Value)}",
    };

    private static string Words(string term) => term.Replace('_', ' ');
}
