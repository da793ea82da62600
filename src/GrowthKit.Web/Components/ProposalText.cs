using GrowthKit.Web.Api;

namespace GrowthKit.Web.Components;

/// <summary>A proposal's changes and a tier's win probability in words, as the refinement page shows them.</summary>
public static class ProposalText
{
    public static string ChangeClass(DefinitionChange c) => c.Kind switch
    {
        "addCriterion" or "addValues" or "addDisqualifier" => "added",
        "removeCriterion" or "removeValues" or "removeDisqualifier" => "removed",
        _ => "changed",
    };

    public static string Change(DefinitionChange c) => c.Kind switch
    {
        "addCriterion" => $"Add criterion {c.Key}" + (c.Criterion is { } x ? $": {Describe.Condition(x)} ({Describe.Weight(x.Weight)})" : ""),
        "removeCriterion" => $"Remove criterion {c.Key}",
        "addValues" => $"Add {Describe.List(c.Values)} to {c.Key}",
        "removeValues" => $"Remove {Describe.List(c.Values)} from {c.Key}",
        "changeWeight" => $"Weight of {c.Key}: {Describe.Weight(c.WeightFrom)} → {Describe.Weight(c.WeightTo)}",
        "changeRange" => $"Range of {c.Key}: {Range(c.RangeFrom)} → {Range(c.RangeTo)}",
        "changeCriterion" => $"Change {c.Key}" + (c.Criterion is { } x ? $": {Describe.Condition(x)}" : ""),
        "addDisqualifier" => $"Disqualify {c.Key}" + (c.Disqualifier is { } d ? $": {Describe.Condition(d)}" + Reason(d) : ""),
        "removeDisqualifier" => $"No longer disqualify {c.Key}" + (c.Disqualifier is { } d ? $": {Describe.Condition(d)}" : ""),
        "changeTiers" => $"Tier thresholds: {TierCuts(c.TiersFrom)} → {TierCuts(c.TiersTo)}",
        _ => $"{c.Kind} {c.Key}",
    };

    /// <summary>"A ≥ 75, B ≥ 50, C ≥ 25" (the defaults where a threshold is not set).</summary>
    public static string TierCuts(Tiers? t) =>
        $"A ≥ {Describe.Number(t?.A ?? 75)}, B ≥ {Describe.Number(t?.B ?? 50)}, C ≥ {Describe.Number(t?.C ?? 25)}";

    public static string Range(ValueRange? r) => r is null ? "any" : $"{Describe.Number(r.Min)} – {Describe.Number(r.Max)}";

    /// <summary>"37.7 % (27.2 %–49.5 %)": the tier's observed win rate and its 95 % interval; "—" for an empty tier.</summary>
    public static string WinRate(TierProbability t) =>
        t.Deals == 0 ? "—" : $"{Describe.Percent(Math.Round((decimal)t.Won / t.Deals, 4))} ({Describe.Percent(t.Low)}–{Describe.Percent(t.High)})";

    /// <summary>The calibrated chance of winning of the tier's deals (isotonic in the score, so it never falls as scores rise); "—" for an empty tier.</summary>
    public static string Chance(TierProbability t) => t.Probability is { } p ? Describe.Percent(p) : "—";

    private static string Reason(Disqualifier d) => string.IsNullOrWhiteSpace(d.Reason) ? "" : $" ({d.Reason})";
}
