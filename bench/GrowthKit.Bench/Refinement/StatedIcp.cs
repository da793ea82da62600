namespace GrowthKit.Bench.Refinement;

/// <summary>
/// What the team believes about its market before any outcome: API.md's example ICP, partly wrong
/// against <see cref="HiddenTruth"/> (region, triggers, the weight of size; it misses a pain and the
/// contact's seniority).
/// </summary>
public static class StatedIcp
{
    public const string Definition = """
        {
          "name": "Mid-market logistics operators (stated)",
          "description": "The refinement benchmark's stated ICP: what the team believes before any outcome",
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
          "tiers": {"A": 75, "B": 50, "C": 25}
        }
        """;
}
