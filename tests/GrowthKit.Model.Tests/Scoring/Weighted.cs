using System.Globalization;
using System.Text.Json.Nodes;

namespace GrowthKit.Model.Tests.Scoring;

/// <summary>
/// Builds a definition of criteria c0, c1, … with the given weights, each testing that
/// attributes.c&lt;i&gt; exists, and a lead that has exactly the attributes of the matched ones.
/// </summary>
internal static class Weighted
{
    public static string Definition(decimal[] weights, string? tiers = null, string? disqualifiers = null)
    {
        var criteria = new JsonArray();
        for (var i = 0; i < weights.Length; i++)
            criteria.Add(new JsonObject { ["key"] = $"c{i}", ["field"] = $"attributes.c{i}", ["operator"] = "exists", ["weight"] = weights[i] });
        var definition = new JsonObject { ["name"] = "weighted", ["criteria"] = criteria };
        if (tiers is not null)
            definition["tiers"] = JsonNode.Parse(tiers);
        if (disqualifiers is not null)
            definition["disqualifiers"] = JsonNode.Parse(disqualifiers);
        return definition.ToJsonString();
    }

    public static string Lead(params int[] matched)
    {
        var attributes = new JsonObject();
        foreach (var i in matched)
            attributes[$"c{i}"] = "yes";
        return new JsonObject { ["externalId"] = "x", ["attributes"] = attributes }.ToJsonString();
    }

    public static ScoreCase Case(string name, decimal[] weights, int[] matched, string score, string tier, string? tiers = null) =>
        new(name, Definition(weights, tiers), Lead(matched), decimal.Parse(score, CultureInfo.InvariantCulture), tier);
}
