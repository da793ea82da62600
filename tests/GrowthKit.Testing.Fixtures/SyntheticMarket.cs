using System.Text.Json;
using System.Text.Json.Nodes;
using GrowthKit.Model;

namespace GrowthKit.Testing;

/// <summary>One closed deal of the synthetic market: the <c>Index</c>-th drawn, its lead and the outcome.</summary>
public sealed record DrawnDeal(int Index, string ExternalId, JsonElement Lead, bool Won, DateTimeOffset ClosedAt);

/// <summary>
/// A seeded market of companies with a hidden win probability, and a stated ICP that is partly
/// wrong: it names Transportation (which does not win more) beside Wholesale, misses Manufacturing
/// (which does) and counts a funding round (noise) while rapid hiring is what wins. The same seed
/// draws the same companies and outcomes for every suite; only the ids differ, as each suite needs.
/// </summary>
public static class SyntheticMarket
{
    public static readonly string[] Industries =
        ["Manufacturing", "Wholesale Trade", "Transportation and Warehousing", "Retail Trade", "Information", "Construction"];
    public static readonly string[] Countries = ["DE", "AT", "CH", "US", "FR", "GB"];
    public static readonly string[] Triggers = ["funding_round", "rapid_hiring", "new_location"];
    public static readonly string[] Departments = ["operations", "sales", "finance"];

    /// <summary>
    /// The stated ICP: API.md's example (<see cref="ExampleIcp"/>) without its pain criterion, its
    /// disqualifier and its persona — industry, size, region, a funding round, and sales-led counting against.
    /// </summary>
    public static readonly string StatedJson = StatedDefinition(tiers: true);

    /// <summary>The stated ICP without its tiers, as the service tests publish it (the service's defaults apply).</summary>
    public static readonly string StatedJsonWithoutTiers = StatedDefinition(tiers: false);

    public static IcpDefinition Stated() => JsonSerializer.Deserialize<IcpDefinition>(StatedJson, ModelJson.Options)!;

    /// <summary>The hidden truth's log-odds of a win.</summary>
    public static double Logit(string industry, string country, int employees, IReadOnlyList<string> signals, string department) =>
        -1.2
        + (industry is "Manufacturing" or "Wholesale Trade" ? 1.6 : 0)
        + (country is "DE" or "AT" ? 0.9 : 0)
        + (employees is >= 51 and <= 500 ? 0.8 : 0)
        + (signals.Contains("rapid_hiring") ? 1.2 : 0)
        + (department == "sales" ? -0.8 : 0);

    /// <summary><paramref name="count"/> closed deals (leads <c>lead-0</c>, <c>lead-1</c>, …; deals <c>deal-00000</c>, …), the outcome drawn from the hidden truth.</summary>
    public static List<ClosedDeal> Deals(int count, int seed) => Deals(count, seed, (_, logit) => logit);

    /// <summary>As above, with the hidden truth changed by <paramref name="truth"/> (the lead and the usual log-odds in, log-odds out).</summary>
    public static List<ClosedDeal> Deals(int count, int seed, Func<JsonElement, double, double> truth) =>
        [.. Draw(count, seed, i => $"lead-{i}", truth).Select(d => new ClosedDeal($"deal-{d.Index:D5}", d.Lead, d.Won, d.ClosedAt))];

    /// <summary><paramref name="count"/> closed deals of leads <c>{prefix}-00000</c>, <c>{prefix}-00001</c>, …, as the service tests send them.</summary>
    public static List<DrawnDeal> Draw(int count, int seed, string prefix = "m") =>
        [.. Draw(count, seed, i => $"{prefix}-{i:D5}", (_, logit) => logit)];

    /// <summary>The deal as <c>POST /api/deals/batch</c> takes it.</summary>
    public static object DealBody(DrawnDeal deal) => new
    {
        dealId = $"deal-{deal.ExternalId}",
        externalId = deal.ExternalId,
        outcome = deal.Won ? "won" : "lost",
        amount = 1000,
        closedAt = deal.ClosedAt,
    };

    /// <summary>One company: its lead (named by its external id) and the hidden truth's log-odds.</summary>
    public static (JsonElement Lead, double Logit) Lead(Random random, string externalId)
    {
        var industry = Industries[random.Next(Industries.Length)];
        var country = Countries[random.Next(Countries.Length)];
        var employees = (int)Math.Round(Math.Exp(random.NextDouble() * Math.Log(5000)));
        var signals = Triggers.Where(_ => random.NextDouble() < 0.3).ToList();
        var department = Departments[random.Next(Departments.Length)];
        var lead = JsonSerializer.SerializeToElement(new
        {
            externalId,
            company = new { name = externalId, industry, employeeCount = employees, country },
            signals,
            contact = new { department },
        });
        return (lead, Logit(industry, country, employees, signals, department));
    }

    /// <summary>One deal every six hours from 2025-01-01.</summary>
    private static IEnumerable<DrawnDeal> Draw(int count, int seed, Func<int, string> externalId, Func<JsonElement, double, double> truth)
    {
        var random = new Random(seed);
        var start = new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < count; i++)
        {
            var id = externalId(i);
            var (lead, usual) = Lead(random, id);
            var won = random.NextDouble() < 1 / (1 + Math.Exp(-truth(lead, usual)));
            yield return new DrawnDeal(i, id, lead, won, start.AddHours(i * 6));
        }
    }

    private static string StatedDefinition(bool tiers)
    {
        var definition = ExampleIcp.Definition("Stated ICP", personas: false);
        definition.Remove("disqualifiers");
        var criteria = definition["criteria"]!.AsArray();
        criteria.Remove(criteria.Single(c => c!["key"]!.GetValue<string>() == "pain"));
        if (!tiers) definition.Remove("tiers");
        return definition.ToJsonString();
    }
}
