using System.Text.Json;

namespace GrowthKit.Model.Tests.Leads;

public class LeadNormalizerTests
{
    private static Lead Normalize(string json) => LeadNormalizer.Normalize(Json.Read<Lead>(json));

    [Fact]
    public void Trims_strings_and_collapses_whitespace_inside_the_company_name()
    {
        var lead = Normalize("""
            {"externalId": " crm-1 ", "company": {"name": "  Acme \t Logistics\n GmbH ", "industry": " Retail "},
             "contact": {"title": " Head of  Ops ", "seniority": " vp", "department": "sales "}}
            """);

        Assert.Equal("crm-1", lead.ExternalId);
        Assert.Equal("Acme Logistics GmbH", lead.Company!.Name);
        Assert.Equal("Retail Trade", lead.Company.Industry);
        Assert.Equal(new Contact("Head of  Ops", "vp", "sales"), lead.Contact);
    }

    [Fact]
    public void Lower_cases_the_domain_and_upper_cases_a_two_letter_country()
    {
        var lead = Normalize("""{"company": {"name": "A", "domain": " Acme-Logistics.DE ", "country": " de "}}""");

        Assert.Equal("acme-logistics.de", lead.Company!.Domain);
        Assert.Equal("DE", lead.Company.Country);
    }

    [Theory]
    [InlineData(" Germany ", "DE")]
    [InlineData("DEU", "DE")]
    [InlineData("deutschland", "DE")]
    [InlineData("United States of America", "US")]
    [InlineData("uk", "GB")]
    [InlineData("at", "AT")]
    [InlineData(" Atlantis ", "Atlantis")]
    [InlineData("xx", "XX")]
    [InlineData(" ", null)]
    public void Normalises_the_country_to_its_iso_alpha_2_code_and_keeps_unknown_text_trimmed(string sent, string? stored)
    {
        Assert.Equal(stored, Normalize($$$"""{"company": {"name": "A", "country": "{{{sent}}}"}}""").Company!.Country);
    }

    [Theory]
    [InlineData("logistics", "Transportation and Warehousing")]
    [InlineData(" Transportation & Warehousing ", "Transportation and Warehousing")]
    [InlineData("48-49", "Transportation and Warehousing")]
    [InlineData("SaaS", "Information")]
    [InlineData("banking", "Finance and Insurance")]
    [InlineData("wholesale trade", "Wholesale Trade")]
    [InlineData("  Underwater Basket Weaving ", "Underwater Basket Weaving")]
    [InlineData("", null)]
    public void Normalises_the_industry_to_its_naics_sector_title_and_keeps_unknown_text_trimmed(string sent, string? stored)
    {
        Assert.Equal(stored, Normalize($$$"""{"company": {"name": "A", "industry": "{{{sent}}}"}}""").Company!.Industry);
    }

    [Theory]
    [InlineData("120", 120)]
    [InlineData("51-200", 125)]
    [InlineData("51 - 200", 125)]
    [InlineData("51–200", 125)]
    [InlineData("51 to 200", 125)]
    [InlineData("1-10", 5)]
    [InlineData("10,000+", 10000)]
    [InlineData("10001+", 10001)]
    [InlineData("1k-5k", 3000)]
    [InlineData("1K - 5K", 3000)]
    [InlineData("2.5k", 2500)]
    [InlineData("10-20M", 15000000)]
    [InlineData("1,001-5,000", 3000)]
    [InlineData("1bn", 1000000000)]
    [InlineData(" 7 ", 7)]
    public void Reads_a_size_sent_as_text_or_a_range_as_a_number(string sent, int stored)
    {
        var company = Normalize($$$"""{"company": {"name": "A", "employeeCount": "{{{sent}}}", "annualRevenue": "{{{sent}}}"}}""").Company!;

        Assert.Equal(stored, company.EmployeeCount);
        Assert.Equal(stored, company.AnnualRevenue);
    }

    [Fact]
    public void Keeps_a_size_sent_as_a_number_and_treats_blank_text_as_unknown()
    {
        Assert.Equal(120.5m, Normalize("""{"company": {"name": "A", "employeeCount": 120.5}}""").Company!.EmployeeCount);
        Assert.Null(Normalize("""{"company": {"name": "A", "employeeCount": " "}}""").Company!.EmployeeCount);
        Assert.Null(Normalize("""{"company": {"name": "A", "employeeCount": null}}""").Company!.EmployeeCount);
    }

    [Theory]
    [InlineData("many")]
    [InlineData("-5")]
    [InlineData("200-51")]
    [InlineData("1,5")]
    [InlineData("1.000.000")]
    [InlineData("$25M")]
    [InlineData("10 employees")]
    [InlineData("1e3")]
    [InlineData("99999999999999999999999999999b")]
    public void Rejects_a_size_that_is_neither_a_number_nor_a_range_naming_the_field(string sent)
    {
        var e = Assert.Throws<JsonException>(() => Normalize($$$"""{"company": {"name": "A", "employeeCount": "{{{sent}}}"}}"""));

        Assert.Equal("$.company.employeeCount", e.Path);
        Assert.Contains("51-200", e.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("true")]
    [InlineData("[1]")]
    [InlineData("{}")]
    [InlineData("1e400")]
    public void Rejects_a_size_of_another_json_type_naming_the_field(string sent)
    {
        var e = Assert.Throws<JsonException>(() => Normalize($$$"""{"company": {"name": "A", "annualRevenue": {{{sent}}}}}"""));

        Assert.Equal("$.company.annualRevenue", e.Path);
    }

    [Fact]
    public void Writes_a_size_sent_as_text_as_a_json_number()
    {
        var lead = Normalize("""{"externalId": "x", "company": {"name": "A", "employeeCount": "51-200"}}""");

        Assert.Equal("""{"externalId":"x","company":{"name":"A","employeeCount":125}}""", Json.Write(lead));
        Assert.Equal(JsonValueKind.Number, LeadJson.ToElement(lead).GetProperty("company").GetProperty("employeeCount").ValueKind);
    }

    [Fact]
    public void Trims_dedupes_and_drops_empty_signals_and_pain_points_keeping_the_first_occurrence()
    {
        var lead = Normalize("""
            {"signals": [" hiring", "funding_round", "", "hiring ", "  ", "Hiring"],
             "painPoints": ["b", "a", "b"]}
            """);

        Assert.Equal(["hiring", "funding_round", "Hiring"], lead.Signals);
        Assert.Equal(["b", "a"], lead.PainPoints);
    }

    [Fact]
    public void Drops_empty_strings_lists_and_contacts_to_null()
    {
        var lead = Normalize("""
            {"externalId": "x", "company": {"name": "A", "domain": " ", "industry": ""},
             "signals": ["", " "], "painPoints": [], "contact": {"title": " "}, "attributes": {}}
            """);

        Assert.Equal(new Company("A", null, null, null, null, null), lead.Company);
        Assert.Null(lead.Signals);
        Assert.Null(lead.PainPoints);
        Assert.Null(lead.Contact);
        Assert.Null(lead.Attributes);
        Assert.Equal("""{"externalId":"x","company":{"name":"A"}}""", Json.Write(lead));
    }

    [Fact]
    public void Trims_attribute_names_and_text_at_any_depth_and_drops_what_is_then_empty()
    {
        var lead = Normalize("""
            {"attributes": {" techStack ": [" SAP ", "", null], "note": "  ", "nothing": null, "seats": 12,
                            "crm": {"owner": " Ann ", "tags": []}, "customer": false}}
            """);

        Assert.Equal(
            """{"techStack":["SAP"],"seats":12,"crm":{"owner":"Ann"},"customer":false}""",
            JsonSerializer.Serialize(lead.Attributes, ModelJson.Options));
    }

    [Fact]
    public void Is_idempotent()
    {
        var once = LeadNormalizer.Normalize(Json.Read<Lead>(Examples.Lead));
        var twice = LeadNormalizer.Normalize(once);

        Assert.True(CanonicalJson.AreEqual(once, twice));
    }

    [Fact]
    public void Makes_trivially_different_leads_hash_alike()
    {
        var definition = Examples.ParsedDefinition();
        var tidy = LeadJson.ToElement(Normalize("""{"externalId": "x", "company": {"name": "Acme GmbH", "domain": "acme.de"}, "signals": ["a"]}"""));
        var messy = LeadJson.ToElement(Normalize("""{"externalId": " x", "company": {"name": "Acme  GmbH ", "domain": "ACME.de"}, "signals": ["a", " a"], "painPoints": []}"""));

        Assert.Equal(
            InputHash.Compute(tidy, definition, ScoringModel.ModelVersion),
            InputHash.Compute(messy, definition, ScoringModel.ModelVersion));
    }
}
