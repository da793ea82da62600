namespace GrowthKit.Model;

/// <summary>
/// The built-in vocabulary the workshop, validation and normalisation draw on. Pure data: a
/// published ICP never depends on it, because groups are expanded when a draft is saved.
/// </summary>
public static partial class Taxonomy
{
    /// <summary>NAICS sectors; the value is the sector title leads are normalised to.</summary>
    public static IReadOnlyList<TaxonomyTerm> Industries { get; } =
    [
        new("Transportation and Warehousing", "48-49 Transportation and Warehousing"),
        new("Wholesale Trade", "42 Wholesale Trade"),
    ];

    /// <summary>ISO 3166-1 alpha-2 codes with English short names.</summary>
    public static IReadOnlyList<TaxonomyTerm> Countries { get; } =
    [
        new("DE", "Germany"), new("AT", "Austria"), new("CH", "Switzerland"),
    ];

    /// <summary>Region groups of <c>company.country</c>: DACH, Nordics, EU, North America, …</summary>
    public static IReadOnlyList<TermGroup> Regions { get; } =
    [
        new(FieldPaths.CompanyCountry, "DACH", ["DE", "AT", "CH"]),
    ];

    public static IReadOnlyList<SizeBand> CompanySizes { get; } =
    [
        new("51-200", "51–200 employees", 51, 200),
    ];

    /// <summary>What had just happened inside the company when it bought.</summary>
    public static IReadOnlyList<TaxonomyTerm> BuyingTriggers { get; } =
    [
        new("funding_round", "Raised a funding round"),
    ];

    /// <summary>Problems acute enough to pay for.</summary>
    public static IReadOnlyList<TaxonomyTerm> PainPoints { get; } =
    [
        new("manual_dispatch", "Dispatch is planned by hand"),
    ];

    public static IReadOnlyList<TaxonomyTerm> Seniorities { get; } =
    [
        new("director", "Director"), new("vp", "VP"),
    ];

    public static IReadOnlyList<TaxonomyTerm> Departments { get; } =
    [
        new("operations", "Operations"), new("sales", "Sales"),
    ];
}
