using System.Text.RegularExpressions;

// Not "…Tests.Taxonomy": a namespace of that name would hide the Taxonomy class from every test.
namespace GrowthKit.Model.Tests.BuiltInTaxonomy;

public partial class TaxonomyCompletenessTests
{
    [Fact]
    public void Lists_the_twenty_NAICS_2017_sectors_with_their_code_in_the_label()
    {
        Assert.Equal(20, Taxonomy.Industries.Count);
        Assert.Equal(20, Taxonomy.Industries.Select(t => t.Value).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Contains(new TaxonomyTerm("Transportation and Warehousing", "48-49 Transportation and Warehousing"), Taxonomy.Industries);
        Assert.Contains(new TaxonomyTerm("Professional, Scientific, and Technical Services", "54 Professional, Scientific, and Technical Services"), Taxonomy.Industries);
        Assert.Contains(new TaxonomyTerm("Manufacturing", "31-33 Manufacturing"), Taxonomy.Industries);
        Assert.Contains(new TaxonomyTerm("Other Services (except Public Administration)", "81 Other Services (except Public Administration)"), Taxonomy.Industries);
        Assert.All(Taxonomy.Industries, t => Assert.Matches(@"^\d{2}(-\d{2})? ", t.Label));
        Assert.All(Taxonomy.Industries, t => Assert.EndsWith(" " + t.Value, t.Label, StringComparison.Ordinal));
    }

    [Fact]
    public void Lists_all_249_ISO_3166_countries_once_each()
    {
        Assert.Equal(249, Taxonomy.Countries.Count);
        Assert.All(Taxonomy.Countries, c => Assert.Matches("^[A-Z]{2}$", c.Value));
        Assert.Equal(249, Taxonomy.Countries.Select(c => c.Value).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(249, Taxonomy.Countries.Select(c => c.Label).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.Contains(new TaxonomyTerm("DE", "Germany"), Taxonomy.Countries);
        Assert.Contains(new TaxonomyTerm("GB", "United Kingdom"), Taxonomy.Countries);
        Assert.Contains(new TaxonomyTerm("US", "United States"), Taxonomy.Countries);
        Assert.Contains(new TaxonomyTerm("AX", "Åland Islands"), Taxonomy.Countries);
    }

    [Fact]
    public void Every_region_groups_known_country_codes_of_company_country()
    {
        var codes = Taxonomy.Countries.Select(c => c.Value).ToHashSet(StringComparer.Ordinal);

        Assert.Equal(Taxonomy.Regions.Count, Taxonomy.Regions.Select(r => r.Name).Distinct(StringComparer.OrdinalIgnoreCase).Count());
        Assert.All(Taxonomy.Regions, region =>
        {
            Assert.Equal(FieldPaths.CompanyCountry, region.Field);
            Assert.NotEmpty(region.Members);
            Assert.All(region.Members, member => Assert.Contains(member, codes));
            Assert.Equal(region.Members.Count, region.Members.Distinct(StringComparer.Ordinal).Count());
        });
    }

    [Theory]
    [InlineData("DACH", "AT CH DE")]
    [InlineData("Nordics", "DK FI IS NO SE")]
    [InlineData("Benelux", "BE LU NL")]
    [InlineData("UK&I", "GB IE")]
    [InlineData("North America", "CA MX US")]
    [InlineData("EU", "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IT LT LU LV MT NL PL PT RO SE SI SK")]
    [InlineData("EEA", "AT BE BG CY CZ DE DK EE ES FI FR GR HR HU IE IS IT LI LT LU LV MT NL NO PL PT RO SE SI SK")]
    public void Groups_a_region_as_documented(string name, string members)
    {
        var region = Taxonomy.FindRegion(name);

        Assert.NotNull(region);
        Assert.Equal(members, string.Join(' ', region.Members.Order(StringComparer.Ordinal)));
    }

    [Theory]
    [InlineData("LATAM", "BR", "GB")]
    [InlineData("APAC", "JP", "IR")]
    [InlineData("MENA", "AE", "MT")]
    public void Places_countries_in_the_wider_regions(string name, string member, string outsider)
    {
        var region = Taxonomy.FindRegion(name)!;

        Assert.Contains(member, region.Members);
        Assert.DoesNotContain(outsider, region.Members);
    }

    [Fact]
    public void Size_bands_run_without_gaps_from_1_to_an_open_end()
    {
        Assert.Equal(["1-10", "11-50", "51-200", "201-500", "501-1000", "1001-5000", "5001-10000", "10001+"],
            Taxonomy.CompanySizes.Select(b => b.Value));
        Assert.Equal(1m, Taxonomy.CompanySizes[0].Min);
        Assert.Null(Taxonomy.CompanySizes[^1].Max);
        for (var i = 1; i < Taxonomy.CompanySizes.Count; i++)
            Assert.Equal(Taxonomy.CompanySizes[i - 1].Max + 1, Taxonomy.CompanySizes[i].Min);
    }

    public static TheoryData<string, int, string[]> TermLists => new()
    {
        { nameof(Taxonomy.BuyingTriggers), 18, ["funding_round", "new_executive_hire", "rapid_hiring", "expansion_new_market", "merger_or_acquisition", "new_regulation", "tech_migration"] },
        { nameof(Taxonomy.PainPoints), 18, ["manual_dispatch", "spreadsheet_chaos"] },
        { nameof(Taxonomy.Seniorities), 6, ["c_level", "vp", "director", "head", "manager", "individual_contributor"] },
        { nameof(Taxonomy.Departments), 10, ["operations", "sales", "marketing", "finance", "it", "engineering", "hr", "logistics", "procurement", "customer_success"] },
    };

    [Theory]
    [MemberData(nameof(TermLists))]
    public void Term_lists_hold_unique_snake_case_values_with_labels(string list, int atLeast, string[] required)
    {
        var terms = list switch
        {
            nameof(Taxonomy.BuyingTriggers) => Taxonomy.BuyingTriggers,
            nameof(Taxonomy.PainPoints) => Taxonomy.PainPoints,
            nameof(Taxonomy.Seniorities) => Taxonomy.Seniorities,
            _ => Taxonomy.Departments,
        };

        Assert.InRange(terms.Count, atLeast, 30);
        Assert.All(terms, t => Assert.Matches(SnakeCase(), t.Value));
        Assert.All(terms, t => Assert.False(string.IsNullOrWhiteSpace(t.Label)));
        Assert.Equal(terms.Count, terms.Select(t => t.Value).Distinct(StringComparer.Ordinal).Count());
        Assert.All(required, value => Assert.Contains(value, terms.Select(t => t.Value)));
    }

    [Fact]
    public void Every_sector_title_and_label_normalises_to_the_title()
    {
        Assert.All(Taxonomy.Industries, t =>
        {
            Assert.Equal(t.Value, Taxonomy.NormalizeIndustry(t.Value));
            Assert.Equal(t.Value, Taxonomy.NormalizeIndustry(t.Label));
            Assert.Equal(t.Value, Taxonomy.NormalizeIndustry(t.Value.ToUpperInvariant()));
            Assert.Equal(t.Value, Taxonomy.NormalizeIndustry(t.Label.Split(' ')[0]));
        });
    }

    [Fact]
    public void Every_country_code_and_name_normalises_to_the_code()
    {
        Assert.All(Taxonomy.Countries, c =>
        {
            Assert.Equal(c.Value, Taxonomy.NormalizeCountry(c.Value));
            Assert.Equal(c.Value, Taxonomy.NormalizeCountry(c.Value.ToLowerInvariant()));
            Assert.Equal(c.Value, Taxonomy.NormalizeCountry(c.Label));
            Assert.Equal(c.Value, Taxonomy.NormalizeCountry(c.Label.ToUpperInvariant()));
        });
    }

    [GeneratedRegex("^[a-z]+(_[a-z]+)*$")]
    private static partial Regex SnakeCase();
}
