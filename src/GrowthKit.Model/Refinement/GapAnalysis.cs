using System.Text.Json.Serialization;

namespace GrowthKit.Model;

/// <summary>
/// A group of closed deals (those with a value, or those a criterion matches) against the rest:
/// win rates with and without, the lift over the base rate, the Beta-binomial shrunk rate and lift,
/// and how much evidence stands behind the difference (<see cref="WinRates.Z"/>).
/// </summary>
public sealed record GroupFigures(
    int Deals,
    int Won,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? WinRate,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? WinRateWithout,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? Lift,
    double ShrunkWinRate,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? ShrunkLift,
    double Z,
    string Evidence)
{
    public static GroupFigures Of(int won, int deals, int totalWon, int total)
    {
        var baseRate = total == 0 ? 0 : (double)totalWon / total;
        var rate = WinRates.Rate(won, deals);
        var shrunk = WinRates.Shrunk(won, deals, baseRate);
        var z = WinRates.Z(won, deals, totalWon - won, total - deals);
        return new GroupFigures(deals, won, R(rate), R(WinRates.Rate(totalWon - won, total - deals)),
            R(WinRates.Lift(rate, baseRate)), R(shrunk)!.Value, R(WinRates.Lift(shrunk, baseRate)), R(z)!.Value,
            WinRates.Evidence(z, deals));
    }

    internal static double? R(double? x) => x is { } v ? Math.Round(v, 4, MidpointRounding.AwayFromZero) : null;
}

/// <summary>One observed value's figures; <see cref="Field"/> is the lead path (size by band: <c>company.employeeCount</c> = "51-200").</summary>
public sealed record ValueFigures(string Field, string Value, int Deals, int Won,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? WinRate,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? WinRateWithout,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? Lift,
    double ShrunkWinRate,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? ShrunkLift,
    double Z, string Evidence);

/// <summary>One criterion's figures over the deals it matches.</summary>
public sealed record CriterionFigures(string Key, string Field, decimal Weight, int Deals, int Won,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? WinRate,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? WinRateWithout,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? Lift,
    double ShrunkWinRate,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? ShrunkLift,
    double Z, string Evidence);

/// <summary>The gap report's figures: a definition against closed deals.</summary>
public sealed record GapFigures(
    int ClosedDeals,
    int Won,
    int Lost,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? WinRate,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? Auc,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? WinsRankedAB,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? LossesRankedAB,
    IReadOnlyList<ValueFigures> Values,
    IReadOnlyList<CriterionFigures> Criteria);

/// <summary>
/// "Who we think we want" against "who actually succeeds": each deal's lead scored with the
/// definition (the scoring function itself), the AUC of that score over the closed deals, and the
/// win rate with and without each observed value and each criterion.
/// </summary>
public static class GapAnalysis
{
    /// <summary>At most this many values per field are listed (the most frequent): free-text attributes could list thousands.</summary>
    public const int MaxValuesPerField = 50;

    public static GapFigures Analyse(IcpDefinition definition, IReadOnlyList<ClosedDeal> deals)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(deals);

        var scores = deals.Select(d => IcpScorer.Score(d.Lead, definition)).ToList();
        var won = deals.Count(d => d.Won);
        var lost = deals.Count - won;
        var ab = scores.Select(s => s.Tier is TierNames.A or TierNames.B).ToList();

        var values = deals
            .SelectMany(d => ObservedValues.Of(d.Lead).Distinct().Select(v => (Value: v, d.Won)))
            .GroupBy(x => (x.Value.Field, Key: x.Value.Value.ToUpperInvariant()))
            .Select(g => (g.Key.Field, Value: g.First().Value.Value, Deals: g.Count(), Won: g.Count(x => x.Won)))
            .GroupBy(v => v.Field)
            .SelectMany(field => field.OrderByDescending(v => v.Deals).ThenBy(v => v.Value, StringComparer.Ordinal).Take(MaxValuesPerField))
            .OrderBy(v => v.Field, StringComparer.Ordinal).ThenByDescending(v => v.Deals).ThenBy(v => v.Value, StringComparer.Ordinal)
            .Select(v => ValueOf(v.Field, v.Value, GroupFigures.Of(v.Won, v.Deals, won, deals.Count)))
            .ToList();

        var criteria = (definition.Criteria ?? []).Select((c, i) =>
        {
            var matched = scores.Select(s => s.Breakdown[i].Matched).ToList();
            var matchedWon = deals.Where((d, j) => matched[j] && d.Won).Count();
            return CriterionOf(c, GroupFigures.Of(matchedWon, matched.Count(m => m), won, deals.Count));
        }).ToList();

        return new GapFigures(deals.Count, won, lost,
            GroupFigures.R(WinRates.Rate(won, deals.Count)),
            GroupFigures.R(RankStatistics.Auc([.. deals.Select((d, i) => (scores[i].Score, d.Won))])),
            GroupFigures.R(WinRates.Rate(deals.Where((d, i) => d.Won && ab[i]).Count(), won)),
            GroupFigures.R(WinRates.Rate(deals.Where((d, i) => !d.Won && ab[i]).Count(), lost)),
            values, criteria);
    }

    private static ValueFigures ValueOf(string field, string value, GroupFigures f) =>
        new(field, value, f.Deals, f.Won, f.WinRate, f.WinRateWithout, f.Lift, f.ShrunkWinRate, f.ShrunkLift, f.Z, f.Evidence);

    private static CriterionFigures CriterionOf(Criterion c, GroupFigures f) =>
        new(c.Key ?? "", c.Field ?? "", c.Weight ?? 0, f.Deals, f.Won, f.WinRate, f.WinRateWithout, f.Lift,
            f.ShrunkWinRate, f.ShrunkLift, f.Z, f.Evidence);
}
