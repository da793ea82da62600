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
        Assert.Equal("Retail", lead.Company.Industry);
        Assert.Equal(new Contact("Head of  Ops", "vp", "sales"), lead.Contact);
    }

    [Fact]
    public void Lower_cases_the_domain_and_upper_cases_a_two_letter_country()
    {
        var lead = Normalize("""{"company": {"name": "A", "domain": " Acme-Logistics.DE ", "country": " de "}}""");

        Assert.Equal("acme-logistics.de", lead.Company!.Domain);
        Assert.Equal("DE", lead.Company.Country);
    }

    [Fact]
    public void Leaves_a_longer_country_name_as_written()
    {
        Assert.Equal("Germany", Normalize("""{"company": {"name": "A", "country": " Germany "}}""").Company!.Country);
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
