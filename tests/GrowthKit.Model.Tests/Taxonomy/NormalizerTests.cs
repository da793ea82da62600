namespace GrowthKit.Model.Tests.BuiltInTaxonomy;

public class NormalizerTests
{
    [Theory]
    [InlineData("DE", "DE")]
    [InlineData(" de ", "DE")]
    [InlineData("DEU", "DE")]
    [InlineData("deu", "DE")]
    [InlineData("Germany", "DE")]
    [InlineData("GERMANY", "DE")]
    [InlineData("Deutschland", "DE")]
    [InlineData("Federal Republic of Germany", "DE")]
    [InlineData("Österreich", "AT")]
    [InlineData("Oesterreich", "AT")]
    [InlineData("Schweiz", "CH")]
    [InlineData("CHE", "CH")]
    [InlineData("UK", "GB")]
    [InlineData("GBR", "GB")]
    [InlineData("United Kingdom", "GB")]
    [InlineData("Great Britain", "GB")]
    [InlineData("England", "GB")]
    [InlineData("USA", "US")]
    [InlineData("U.S.A.", "US")]
    [InlineData("U.S.", "US")]
    [InlineData("United States", "US")]
    [InlineData("United States of America", "US")]
    [InlineData("Holland", "NL")]
    [InlineData("The Netherlands", "NL")]
    [InlineData("netherlands", "NL")]
    [InlineData("South Korea", "KR")]
    [InlineData("Korea, Republic of", "KR")]
    [InlineData("North Korea", "KP")]
    [InlineData("Côte d'Ivoire", "CI")]
    [InlineData("Cote d'Ivoire", "CI")]
    [InlineData("Ivory Coast", "CI")]
    [InlineData("Czech Republic", "CZ")]
    [InlineData("Czechia", "CZ")]
    [InlineData("Turkey", "TR")]
    [InlineData("Türkiye", "TR")]
    [InlineData("Russia", "RU")]
    [InlineData("Vietnam", "VN")]
    [InlineData("Viet Nam", "VN")]
    [InlineData("UAE", "AE")]
    [InlineData("Bolivia", "BO")]
    [InlineData("Democratic Republic of the Congo", "CD")]
    [InlineData("Congo", "CG")]
    [InlineData("Bosnia and Herzegovina", "BA")]
    [InlineData("Trinidad & Tobago", "TT")]
    [InlineData("Saint Barthélemy", "BL")]
    public void Normalises_a_country_to_its_alpha_2_code(string text, string code)
    {
        Assert.Equal(code, Taxonomy.NormalizeCountry(text));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("   ")]
    [InlineData("Atlantis")]
    [InlineData("XX")]
    [InlineData("EU")]
    [InlineData("ZZZ")]
    [InlineData("DACH")]
    [InlineData("Europe")]
    [InlineData("¿?")]
    public void Does_not_guess_an_unknown_country(string? text)
    {
        Assert.Null(Taxonomy.NormalizeCountry(text));
    }

    [Theory]
    [InlineData("Transportation and Warehousing", "Transportation and Warehousing")]
    [InlineData("transportation and warehousing", "Transportation and Warehousing")]
    [InlineData("  TRANSPORTATION   AND WAREHOUSING ", "Transportation and Warehousing")]
    [InlineData("Transportation & Warehousing", "Transportation and Warehousing")]
    [InlineData("48-49 Transportation and Warehousing", "Transportation and Warehousing")]
    [InlineData("professional scientific and technical services", "Professional, Scientific, and Technical Services")]
    [InlineData("48-49", "Transportation and Warehousing")]
    [InlineData("48 - 49", "Transportation and Warehousing")]
    [InlineData("48", "Transportation and Warehousing")]
    [InlineData("49", "Transportation and Warehousing")]
    [InlineData("NAICS 48-49", "Transportation and Warehousing")]
    [InlineData("484110", "Transportation and Warehousing")]
    [InlineData("31-33", "Manufacturing")]
    [InlineData("31", "Manufacturing")]
    [InlineData("32", "Manufacturing")]
    [InlineData("33", "Manufacturing")]
    [InlineData("44-45", "Retail Trade")]
    [InlineData("45", "Retail Trade")]
    [InlineData("5415", "Professional, Scientific, and Technical Services")]
    [InlineData("92", "Public Administration")]
    [InlineData("logistics", "Transportation and Warehousing")]
    [InlineData("Logistics", "Transportation and Warehousing")]
    [InlineData("transportation", "Transportation and Warehousing")]
    [InlineData("warehousing", "Transportation and Warehousing")]
    [InlineData("Transportation & Logistics", "Transportation and Warehousing")]
    [InlineData("software", "Information")]
    [InlineData("SaaS", "Information")]
    [InlineData("telecom", "Information")]
    [InlineData("IT Services", "Professional, Scientific, and Technical Services")]
    [InlineData("consulting", "Professional, Scientific, and Technical Services")]
    [InlineData("manufacturing", "Manufacturing")]
    [InlineData("retail", "Retail Trade")]
    [InlineData("e-commerce", "Retail Trade")]
    [InlineData("eCommerce", "Retail Trade")]
    [InlineData("wholesale", "Wholesale Trade")]
    [InlineData("healthcare", "Health Care and Social Assistance")]
    [InlineData("Health Care", "Health Care and Social Assistance")]
    [InlineData("banking", "Finance and Insurance")]
    [InlineData("insurance", "Finance and Insurance")]
    [InlineData("fintech", "Finance and Insurance")]
    [InlineData("construction", "Construction")]
    [InlineData("real estate", "Real Estate and Rental and Leasing")]
    [InlineData("education", "Educational Services")]
    [InlineData("hospitality", "Accommodation and Food Services")]
    [InlineData("energy", "Utilities")]
    [InlineData("oil & gas", "Mining, Quarrying, and Oil and Gas Extraction")]
    [InlineData("agriculture", "Agriculture, Forestry, Fishing and Hunting")]
    [InlineData("government", "Public Administration")]
    [InlineData("staffing", "Administrative and Support and Waste Management and Remediation Services")]
    public void Normalises_an_industry_to_its_NAICS_sector_title(string text, string title)
    {
        Assert.Equal(title, Taxonomy.NormalizeIndustry(text));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("  ")]
    [InlineData("widgets")]
    [InlineData("99")]
    [InlineData("48-50")]
    [InlineData("4")]
    [InlineData("1234567")]
    [InlineData("Transportation and")]
    [InlineData("٤٨")]
    [InlineData("--")]
    public void Does_not_guess_an_unknown_industry(string? text)
    {
        Assert.Null(Taxonomy.NormalizeIndustry(text));
    }

    [Theory]
    [InlineData("DACH", "DACH")]
    [InlineData("dach", "DACH")]
    [InlineData(" Dach ", "DACH")]
    [InlineData("uk&i", "UK&I")]
    [InlineData("UK & I", "UK&I")]
    [InlineData("UK and Ireland", "UK&I")]
    [InlineData("north america", "North America")]
    [InlineData("North-America", "North America")]
    [InlineData("NORDICS", "Nordics")]
    [InlineData("European Union", "EU")]
    [InlineData("Asia Pacific", "APAC")]
    [InlineData("Asia-Pacific", "APAC")]
    [InlineData("Latin America", "LATAM")]
    [InlineData("Middle East & North Africa", "MENA")]
    public void Finds_a_region_by_name_ignoring_case_and_punctuation(string name, string region)
    {
        Assert.Equal(region, Taxonomy.FindRegion(name)?.Name);
    }

    [Theory]
    [InlineData("Narnia")]
    [InlineData("DE")]
    [InlineData("Germany")]
    [InlineData("")]
    public void Finds_no_region_for_other_names(string name)
    {
        Assert.Null(Taxonomy.FindRegion(name));
    }

    [Theory]
    [InlineData("51-200", "51-200", 51, 200)]
    [InlineData("51–200", "51-200", 51, 200)]
    [InlineData(" 11 - 50 ", "11-50", 11, 50)]
    [InlineData("10001+", "10001+", 10001, null)]
    public void Finds_a_size_band_by_its_value(string text, string value, int min, int? max)
    {
        Assert.Equal(new SizeBand(value, Taxonomy.FindSizeBand(value)!.Label, min, max), Taxonomy.FindSizeBand(text));
    }

    [Theory]
    [InlineData("50-200")]
    [InlineData("")]
    [InlineData("huge")]
    public void Finds_no_size_band_for_other_text(string text)
    {
        Assert.Null(Taxonomy.FindSizeBand(text));
    }
}
