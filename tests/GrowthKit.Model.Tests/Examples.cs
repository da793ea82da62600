namespace GrowthKit.Model.Tests;

/// <summary>The definition and lead of API.md, verbatim.</summary>
internal static class Examples
{
    public const string Definition = """
        {
          "name": "Mid-market logistics operators",
          "description": "optional",
          "criteria": [
            {"key": "industry", "field": "company.industry", "operator": "in",
             "values": ["Transportation and Warehousing", "Wholesale Trade"], "weight": 30},
            {"key": "size", "field": "company.employeeCount", "operator": "between", "min": 50, "max": 500, "weight": 25},
            {"key": "region", "field": "company.country", "operator": "in", "values": ["DE", "AT", "CH"], "weight": 20},
            {"key": "trigger", "field": "signals", "operator": "anyOf", "values": ["funding_round"], "weight": 15},
            {"key": "pain", "field": "painPoints", "operator": "anyOf", "values": ["manual_dispatch"], "weight": 10},
            {"key": "sales-led", "field": "contact.department", "operator": "in", "values": ["sales"], "weight": -10}
          ],
          "disqualifiers": [
            {"key": "too-small", "field": "company.employeeCount", "operator": "lt", "value": 10,
             "reason": "Too small to need dispatch software"}
          ],
          "personas": [{"role": "Head of Operations", "seniority": ["director", "vp"], "department": ["operations"]}],
          "tiers": {"A": 75, "B": 50, "C": 25}
        }
        """;

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
