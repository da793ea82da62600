using System.Text.Json;
using System.Text.RegularExpressions;
using GrowthKit.Model;

namespace GrowthKit.Icp.Workshops;

/// <summary>What rules a lead out: options derived from the other answers, and disqualifiers read from free text.</summary>
public static partial class WorkshopDisqualifiers
{
    public const string TooSmall = "too-small";
    public const string TooLarge = "too-large";
    public const string OutsideRegions = "outside-regions";
    public const string Competitor = "competitor";

    /// <summary>A lead marks a competitor with <c>"attributes": {"relationship": "competitor"}</c>.</summary>
    public const string RelationshipField = FieldPaths.AttributesPrefix + "relationship";

    /// <summary>The options offered given the answers so far: size and region options follow those answers.</summary>
    public static IReadOnlyList<QuestionOption> Options(WorkshopProfile profile)
    {
        var options = new List<QuestionOption>();
        foreach (var option in new[] { TooSmall, TooLarge, OutsideRegions, Competitor })
        {
            if (Resolve(new DisqualifierChoice(option, null), profile) is { } d)
            {
                options.Add(new QuestionOption(option, option == Competitor
                    ? $"A competitor (its lead has {RelationshipField} \"competitor\")"
                    : d.Reason!));
            }
        }
        return options;
    }

    public static bool IsOption(string value) => value is TooSmall or TooLarge or OutsideRegions or Competitor;

    /// <summary>
    /// The disqualifier a choice amounts to now; null for an option the other answers no longer
    /// support (too-small after the minimum size was removed, say).
    /// </summary>
    public static Disqualifier? Resolve(DisqualifierChoice choice, WorkshopProfile profile) => choice.Custom ?? choice.Option switch
    {
        TooSmall when profile.CompanySize?.Min is > 0 and var min =>
            Single(TooSmall, FieldPaths.CompanyEmployeeCount, Operators.Lt, min, $"Fewer than {WorkshopText.Number(min)} employees"),
        TooLarge when profile.CompanySize?.Max is { } max =>
            Single(TooLarge, FieldPaths.CompanyEmployeeCount, Operators.Gt, max, $"More than {WorkshopText.Number(max)} employees"),
        OutsideRegions when profile.Regions.Count > 0 =>
            Listed(OutsideRegions, FieldPaths.CompanyCountry, Operators.NotIn, profile.Regions,
                $"Based outside {WorkshopText.Or(profile.Regions.Select(WorkshopText.Place))}"),
        Competitor => Listed(Competitor, RelationshipField, Operators.In, ["competitor"], "A competitor"),
        _ => null,
    };

    /// <summary>
    /// Reads a disqualifier from text: "competitor", "fewer than 10 employees" / "more than 5000
    /// employees", "outside EU", a region or country ("Russia", "in APAC"), an industry ("Public
    /// Administration", "banking") or a department ("sales department"); null when it reads none.
    /// </summary>
    public static DisqualifierChoice? Parse(string text, WorkshopVocabulary vocabulary)
    {
        var trimmed = text.Trim();
        if (CompetitorText().IsMatch(trimmed)) return new DisqualifierChoice(Competitor, null);

        if (EmployeesText().Match(trimmed) is { Success: true } employees
            && Quantity.TryParseAmount(employees.Groups["n"].Value, out var n))
        {
            var op = employees.Groups["lt"].Success ? Operators.Lt : Operators.Gt;
            return Custom(Single(WorkshopText.Slug(trimmed), FieldPaths.CompanyEmployeeCount, op, WorkshopText.Plain(n), WorkshopText.Capitalized(trimmed)));
        }

        if (OutsideText().Match(trimmed) is { Success: true } outside && Place(outside.Groups["place"].Value, vocabulary) is { } away)
        {
            return Custom(Listed($"outside-{WorkshopText.Slug(away)}", FieldPaths.CompanyCountry, Operators.NotIn, [away],
                $"Based outside {WorkshopText.Place(away)}"));
        }

        var department = DepartmentText().Match(trimmed) is { Success: true } named ? WorkshopPersonas.Department(named.Groups["d"].Value) : null;
        if (department is null)
        {
            var subject = InText().Match(trimmed) is { Success: true } @in ? @in.Groups["rest"].Value : trimmed;
            if (Place(subject, vocabulary) is { } place)
            {
                return Custom(Listed($"in-{WorkshopText.Slug(place)}", FieldPaths.CompanyCountry, Operators.In, [place],
                    $"Based in {WorkshopText.Place(place)}"));
            }
            if (Taxonomy.NormalizeIndustry(subject) is { } industry)
            {
                return Custom(Listed($"industry-{WorkshopText.Slug(industry)}", FieldPaths.CompanyIndustry, Operators.In, [industry],
                    $"In {industry}"));
            }
            department = WorkshopPersonas.Department(trimmed);
        }
        return department is null
            ? null
            : Custom(Listed($"department-{WorkshopText.Slug(department)}", FieldPaths.ContactDepartment, Operators.In, [department],
                $"Contact in {WorkshopPersonas.DepartmentTerm(department)?.Label ?? department}"));
    }

    /// <summary>A region group's name or a country's code, as the regions question keeps them.</summary>
    internal static string? Place(string text, WorkshopVocabulary vocabulary) =>
        vocabulary.FindRegion(text)?.Name ?? Taxonomy.NormalizeCountry(text);

    private static DisqualifierChoice Custom(Disqualifier d) => new(null, d);

    private static Disqualifier Single(string key, string field, string op, decimal value, string reason) =>
        new(key, field, op, null, null, null, JsonSerializer.SerializeToElement(value, ModelJson.Options), reason);

    private static Disqualifier Listed(string key, string field, string op, IEnumerable<string> values, string reason) =>
        new(key, field, op, values.Select(v => JsonSerializer.SerializeToElement(v, ModelJson.Options)).ToList(), null, null, null, reason);

    [GeneratedRegex(@"^(?:an?\s+|the\s+)?competitors?$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex CompetitorText();

    [GeneratedRegex(@"^(?:(?<lt>fewer\s+than|less\s+than|under|below|<)|(?<gt>more\s+than|over|above|>))\s*(?<n>\d[\d,._]*\s*[kKmM]?)\s*(?:employees|people|staff|ftes?|heads?)?$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex EmployeesText();

    [GeneratedRegex(@"^(?:based\s+|located\s+)?outside(?:\s+of)?\s+(?:the\s+)?(?<place>.+)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex OutsideText();

    [GeneratedRegex(@"^(?:(?:based|located|headquartered)\s+in|from|in)\s+(?<rest>.+)$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex InText();

    [GeneratedRegex(@"^(?:contacts?\s+in\s+|(?:in\s+)?the\s+)?(?<d>.+?)\s+(?:department|team)$|^contacts?\s+in\s+(?<d>.+)$",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex DepartmentText();
}
