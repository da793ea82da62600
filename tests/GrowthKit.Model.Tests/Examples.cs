namespace GrowthKit.Model.Tests;

/// <summary>The definition and lead of API.md, verbatim.</summary>
internal static class Examples
{
    public const string Definition = ExampleIcp.Json;

    public const string Lead = """
        {
          "externalId": "crm-4711",
          "company": {"name": "Acme Logistics GmbH", "domain": "acme-logistics.de",
                      "industry": "Transportation and Warehousing", "employeeCount": 120,
                      "annualRevenue": 25000000, "country": "DE"},
          "signals": ["funding_round"], "painPoints": ["manual_dispatch"],
          "contact": {"title": "Head of Operations", "seniority": "director", "department": "operations"},
          "attributes": {"techStack": ["SAP"]}
        }
        """;

    /// <summary>Matches industry, size and trigger only: API.md's 72.7.</summary>
    public const string IndustrySizeTriggerLead = """
        {"externalId": "x", "company": {"name": "A", "industry": "Transportation and Warehousing",
         "employeeCount": 120, "country": "US"}, "signals": ["funding_round"],
         "contact": {"department": "operations"}}
        """;

    /// <summary>The same lead in a sales department: API.md's 63.6.</summary>
    public const string IndustrySizeTriggerSalesLead = """
        {"externalId": "x", "company": {"name": "A", "industry": "Transportation and Warehousing",
         "employeeCount": 120, "country": "US"}, "signals": ["funding_round"],
         "contact": {"department": "sales"}}
        """;

    public static IcpDefinition ParsedDefinition() => Json.Read<IcpDefinition>(Definition);
}
