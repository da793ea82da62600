using System.Text.Json.Nodes;

namespace GrowthKit.Testing;

/// <summary>The ICP definition and leads of API.md, with variations the tests need.</summary>
public static class Samples
{
    /// <summary>API.md's example ICP without its placeholder description.</summary>
    public static JsonObject Definition() => ExampleIcp.Definition();

    /// <summary>Matches industry, size and trigger only: round(100 × 80 / 110, 1) = 72.7, tier B.</summary>
    public static JsonObject Lead(string externalId, string department = "operations", int employees = 120) =>
        JsonNode.Parse($$"""
        {
          "externalId": "{{externalId}}",
          "company": {"name": "Acme Logistics GmbH", "domain": "acme-logistics.de",
                      "industry": "Transportation and Warehousing", "employeeCount": {{employees}},
                      "annualRevenue": 25000000, "country": "US"},
          "signals": ["funding_round"], "painPoints": [],
          "contact": {"title": "Head of Operations", "seniority": "director", "department": "{{department}}"},
          "attributes": {"techStack": ["SAP"]}
        }
        """)!.AsObject();
}
