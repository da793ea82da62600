using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using GrowthKit.Model;

namespace GrowthKit.Bench.Refinement;

/// <summary>
/// Scores the market's leads under an ICP definition with the pure scoring function the services use
/// (<see cref="IcpScorer"/> over the lead as <see cref="LeadNormalizer"/> stores it), so a holdout can
/// be judged under any version without pushing its outcomes into the system.
/// </summary>
public sealed class LocalScoring(IReadOnlyList<MarketCompany> companies)
{
    public LocalScoring(SyntheticMarket market) : this(market.Companies) { }

    private readonly JsonElement[] _leads = [.. companies.Select(c =>
        LeadJson.ToElement(LeadNormalizer.Normalize(JsonSerializer.Deserialize<Lead>(SyntheticMarket.LeadJson(c), ModelJson.Options)!)))];

    public static IcpDefinition Parse(JsonNode definition) =>
        definition.Deserialize<IcpDefinition>(ModelJson.Options) ?? throw new InvalidOperationException("an empty definition");

    /// <summary>The company's lead as the services store it (normalised).</summary>
    public JsonElement Lead(MarketCompany company) => _leads[company.Index];

    public ScoreResult Score(MarketCompany company, IcpDefinition definition) => IcpScorer.Score(_leads[company.Index], definition);

    /// <summary>Each deal's score (0 when disqualified), in the deals' order.</summary>
    public double[] Scores(IReadOnlyList<MarketDeal> deals, IcpDefinition definition) =>
        [.. deals.Select(d => (double)Score(d.Company, definition).Score)];

    /// <summary>The definition as lines a sales team reads: one per criterion and disqualifier.</summary>
    public static IReadOnlyList<string> Readable(JsonNode definition)
    {
        var lines = new List<string>();
        foreach (var c in definition.At("criteria").Items())
        {
            var weight = c.At("weight")?.ToJsonString() ?? "?";
            var signed = weight.StartsWith('-') ? weight : "+" + weight;
            lines.Add($"{signed,5} {c.At("key").Text()}: {Condition(c)}");
        }
        foreach (var d in definition.At("disqualifiers").Items())
            lines.Add($"  out {d.At("key").Text()}: {Condition(d)}{(d.At("reason").Text() is { } reason ? $" ({reason})" : "")}");
        return lines;
    }

    private static string Condition(JsonNode c)
    {
        var field = c.At("field").Text();
        var op = c.At("operator").Text();
        var values = string.Join(", ", c.At("values").Items().Select(v => v.Text() ?? v.ToJsonString()));
        string Number(string name) => c.At(name) is { } n ? decimal.Parse(n.ToJsonString(), CultureInfo.InvariantCulture).ToString("N0", CultureInfo.InvariantCulture) : "?";
        return op switch
        {
            "in" or "anyOf" => $"{field} is any of {values}",
            "notIn" or "noneOf" => $"{field} is none of {values}",
            "allOf" => $"{field} has all of {values}",
            "between" => $"{field} from {Number("min")} to {Number("max")}",
            "gt" or "gte" or "lt" or "lte" => $"{field} {op switch { "gt" => ">", "gte" => "≥", "lt" => "<", _ => "≤" }} {Number("value")}",
            "exists" => $"{field} is known",
            "contains" => $"{field} contains {c.At("value")?.ToJsonString()}",
            _ => $"{field} {op} {values}",
        };
    }
}
