using System.Text.Json.Nodes;

namespace GrowthKit.Testing;

/// <summary>API.md's example ICP: one copy for every suite and the benchmark.</summary>
public static class ExampleIcp
{
    public const string Name = "Mid-market logistics operators";

    /// <summary>The definition as API.md prints it, to the letter (some tests edit its text).</summary>
    public const string Json = """
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

    /// <summary>
    /// The same criteria, disqualifier and tiers under another <paramref name="name"/>, with a
    /// <paramref name="description"/> only if one is given (API.md's is a placeholder), and without the
    /// persona unless <paramref name="personas"/>. The fields keep API.md's order.
    /// </summary>
    public static JsonObject Definition(string name = Name, string? description = null, bool personas = true)
    {
        var definition = JsonNode.Parse(Json)!.AsObject();
        definition["name"] = name;
        if (description is null) definition.Remove("description");
        else definition["description"] = description;
        if (!personas) definition.Remove("personas");
        return definition;
    }
}
