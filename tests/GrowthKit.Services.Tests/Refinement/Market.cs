using System.Text.Json;

namespace GrowthKit.Services.Tests.Refinement;

/// <summary>
/// A seeded synthetic market (as the model tests' one): a hidden win probability, and a stated ICP
/// that is partly wrong — Transportation instead of Manufacturing, a funding round instead of rapid hiring.
/// </summary>
internal static class Market
{
    private static readonly string[] Industries =
        ["Manufacturing", "Wholesale Trade", "Transportation and Warehousing", "Retail Trade", "Information", "Construction"];
    private static readonly string[] Countries = ["DE", "AT", "CH", "US", "FR", "GB"];
    private static readonly string[] Triggers = ["funding_round", "rapid_hiring", "new_location"];
    private static readonly string[] Departments = ["operations", "sales", "finance"];

    public const string StatedIcp = """
        {
          "name": "Stated ICP",
          "criteria": [
            {"key": "industry", "field": "company.industry", "operator": "in",
             "values": ["Transportation and Warehousing", "Wholesale Trade"], "weight": 30},
            {"key": "size", "field": "company.employeeCount", "operator": "between", "min": 50, "max": 500, "weight": 25},
            {"key": "region", "field": "company.country", "operator": "in", "values": ["DE", "AT", "CH"], "weight": 20},
            {"key": "trigger", "field": "signals", "operator": "anyOf", "values": ["funding_round"], "weight": 15},
            {"key": "sales-led", "field": "contact.department", "operator": "in", "values": ["sales"], "weight": -10}
          ]
        }
        """;

    public sealed record Closed(string ExternalId, JsonElement Lead, bool Won, DateTimeOffset ClosedAt);

    public static List<Closed> Deals(int count, int seed, string prefix = "m")
    {
        var random = new Random(seed);
        var start = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var deals = new List<Closed>();
        for (var i = 0; i < count; i++)
        {
            var industry = Industries[random.Next(Industries.Length)];
            var country = Countries[random.Next(Countries.Length)];
            var employees = (int)Math.Round(Math.Exp(random.NextDouble() * Math.Log(5000)));
            var signals = Triggers.Where(_ => random.NextDouble() < 0.3).ToList();
            var department = Departments[random.Next(Departments.Length)];
            var logit = -1.2 + (industry is "Manufacturing" or "Wholesale Trade" ? 1.6 : 0) + (country is "DE" or "AT" ? 0.9 : 0)
                        + (employees is >= 51 and <= 500 ? 0.8 : 0) + (signals.Contains("rapid_hiring") ? 1.2 : 0)
                        + (department == "sales" ? -0.8 : 0);
            var externalId = $"{prefix}-{i:D5}";
            var lead = JsonSerializer.SerializeToElement(new
            {
                externalId,
                company = new { name = externalId, industry, employeeCount = employees, country },
                signals,
                contact = new { department },
            });
            deals.Add(new Closed(externalId, lead, random.NextDouble() < 1 / (1 + Math.Exp(-logit)), start.AddHours(i * 6)));
        }
        return deals;
    }

    public static object DealBody(Closed d) => new
    {
        dealId = $"deal-{d.ExternalId}",
        externalId = d.ExternalId,
        outcome = d.Won ? "won" : "lost",
        amount = 1000,
        closedAt = d.ClosedAt,
    };
}
