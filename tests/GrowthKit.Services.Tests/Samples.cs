using System.Text.Json;
using GrowthKit.Model;

namespace GrowthKit.Services.Tests;

/// <summary>API.md's example definition and leads built to hit its documented scores.</summary>
internal static class Samples
{
    public const string DefinitionJson = """
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

    public static IcpDefinition Definition() => JsonSerializer.Deserialize<IcpDefinition>(DefinitionJson, ModelJson.Options)!;

    public static JsonElement DefinitionElement() => JsonSerializer.SerializeToElement(Definition(), ModelJson.Options);

    /// <summary>The same ICP with one weight changed: a different definition, so a new version.</summary>
    public static IcpDefinition ChangedDefinition()
    {
        var definition = Definition();
        var criteria = definition.Criteria!.Select(c => c.Key == "pain" ? c with { Weight = 12 } : c).ToList();
        return definition with { Criteria = criteria };
    }

    /// <summary>
    /// Matches industry, size and trigger only (country US, no pain points, operations): API.md's
    /// round(100 × (70 + 10) / 110, 1) = 72.7, tier B.
    /// </summary>
    public static Lead IndustrySizeTriggerLead(string externalId, string department = "operations") =>
        LeadNormalizer.Normalize(new Lead(
            externalId,
            new Company("Acme Logistics GmbH", null, "Transportation and Warehousing", 120, null, "US"),
            ["funding_round"],
            null,
            new Contact(null, null, department),
            null));

    /// <summary>The same lead in a sales department: API.md's 63.6, tier B.</summary>
    public static Lead IndustrySizeTriggerSalesLead(string externalId) => IndustrySizeTriggerLead(externalId, "sales");

    public static JsonElement Raw(Lead lead) => LeadJson.ToElement(lead);
}
