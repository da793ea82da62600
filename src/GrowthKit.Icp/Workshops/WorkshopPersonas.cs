using System.Text.RegularExpressions;
using GrowthKit.Model;

namespace GrowthKit.Icp.Workshops;

/// <summary>Who decides and who uses: personas from a seniority × department option, a typed role, or given whole.</summary>
public static partial class WorkshopPersonas
{
    /// <summary>Every department with every seniority, valued "seniority:department" (e.g. "director:operations").</summary>
    public static IReadOnlyList<QuestionOption> Options { get; } =
    [
        .. Taxonomy.Departments.SelectMany(d => Taxonomy.Seniorities.Select(s => new QuestionOption($"{s.Value}:{d.Value}", Role(s, d)))),
    ];

    // Words people put in titles that name a seniority or department the taxonomy spells otherwise.
    private static readonly Dictionary<string, string[]> SenioritySynonyms = new(StringComparer.Ordinal)
    {
        ["c_level"] = ["chief", "ceo", "cfo", "coo", "cto", "cio", "cmo", "cro", "cso", "cxo", "c-suite"],
        ["founder"] = ["owner", "co-founder", "cofounder"],
        ["vp"] = ["vice president", "svp", "evp"],
        ["individual_contributor"] = ["specialist", "analyst"],
    };

    private static readonly Dictionary<string, string[]> DepartmentSynonyms = new(StringComparer.Ordinal)
    {
        ["executive"] = ["ceo", "managing director"],
        ["operations"] = ["ops", "coo"],
        ["finance"] = ["cfo", "accounting", "controlling"],
        ["it"] = ["cio", "information technology"],
        ["engineering"] = ["cto"],
        ["marketing"] = ["cmo"],
        ["hr"] = ["human resources", "people"],
        ["supply_chain"] = ["supply-chain"],
    };

    /// <summary>The persona an option value names, or null when it names none.</summary>
    public static Persona? FromOption(string value)
    {
        if (value.Split(':') is not [var s, var d]) return null;
        var seniority = Taxonomy.Seniorities.FirstOrDefault(t => string.Equals(t.Value, s.Trim(), StringComparison.OrdinalIgnoreCase));
        var department = Taxonomy.Departments.FirstOrDefault(t => string.Equals(t.Value, d.Trim(), StringComparison.OrdinalIgnoreCase));
        return seniority is null || department is null ? null : new Persona(Role(seniority, department), [seniority.Value], [department.Value]);
    }

    /// <summary>A typed role, with the seniorities and departments its words name ("Head of Operations" → head, operations).</summary>
    public static Persona FromRole(string role) =>
        new(role, Empty(Mentioned(role, Taxonomy.Seniorities, SenioritySynonyms)), Empty(Mentioned(role, Taxonomy.Departments, DepartmentSynonyms)));

    /// <summary>A seniority as its value, label or a synonym names it (whole text), or null.</summary>
    public static string? Seniority(string text) => Named(text, Taxonomy.Seniorities, SenioritySynonyms);

    public static string? Department(string text) => Named(text, Taxonomy.Departments, DepartmentSynonyms);

    public static TaxonomyTerm? DepartmentTerm(string value) =>
        Taxonomy.Departments.FirstOrDefault(t => string.Equals(t.Value, value, StringComparison.OrdinalIgnoreCase));

    // "Head of" + "Operations" reads "Head of Operations"; "Director" + "Sales", "Director of Sales".
    private static string Role(TaxonomyTerm seniority, TaxonomyTerm department) =>
        seniority.Label.EndsWith(" of", StringComparison.OrdinalIgnoreCase)
            ? $"{seniority.Label} {department.Label}"
            : $"{seniority.Label} of {department.Label}";

    private static IEnumerable<string> Spellings(TaxonomyTerm term, Dictionary<string, string[]> synonyms) =>
        [term.Value.Replace('_', ' '), term.Label, .. synonyms.GetValueOrDefault(term.Value) ?? []];

    private static List<string> Mentioned(string text, IReadOnlyList<TaxonomyTerm> terms, Dictionary<string, string[]> synonyms) =>
        terms.Where(t => Spellings(t, synonyms).Any(s => Regex.IsMatch(text, $@"(?<![\w-]){Regex.Escape(s)}(?![\w-])",
                RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)))
            .Select(t => t.Value)
            .ToList();

    private static string? Named(string text, IReadOnlyList<TaxonomyTerm> terms, Dictionary<string, string[]> synonyms)
    {
        var wanted = Words().Replace(text.Trim(), " ");
        return terms.FirstOrDefault(t => Spellings(t, synonyms).Any(s => string.Equals(s, wanted, StringComparison.OrdinalIgnoreCase)))?.Value;
    }

    private static List<string>? Empty(List<string> values) => values.Count == 0 ? null : values;

    [GeneratedRegex(@"[\s_]+")]
    private static partial Regex Words();
}
