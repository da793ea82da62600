using System.Text.Json.Nodes;

namespace GrowthKit.Testing;

/// <summary>The ICP definition and leads of API.md, with variations the tests need.</summary>
public static class Samples
{
    public static JsonObject Definition() => JsonNode.Parse("""
        {
          "name": "Mid-market logistics operators",
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
        """)!.AsObject();

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
