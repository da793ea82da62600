namespace GrowthKit.Model;

/// <summary>
/// Tier thresholds that mean what they say: observed win rates fall from A to D. The current tiers stay
/// when they already do (so a recut, once made, is not made again on the same deals); otherwise the
/// thresholds move to the scores that put about <see cref="Shares"/> of the qualified deals into A, B and C,
/// and the recut is proposed only when its own win rates do fall.
/// </summary>
public static class TierCuts
{
    /// <summary>The share of the qualified deals at or above each threshold: A the top 15 %, B the next 25 %, C the next 30 %.</summary>
    public static readonly double[] Shares = [0.15, 0.40, 0.70];

    /// <summary>A tier is judged only over this many deals; emptier tiers count as out of order.</summary>
    public const int MinDealsPerTier = 10;

    public static IcpDefinition Refine(IcpDefinition definition, IReadOnlyList<ClosedDeal> deals)
    {
        var scored = deals.Select(d => (Result: IcpScorer.Score(d.Lead, definition), d.Won))
            .Where(s => s.Result.Tier != TierNames.Disqualified).Select(s => (s.Result.Score, s.Won)).ToList();
        if (scored.Count < 4 * MinDealsPerTier) return definition;
        var tiers = definition.Tiers ?? Tiers.Default;
        if (Falls(tiers, scored)) return definition;

        var descending = scored.Select(s => s.Score).OrderDescending().ToList();
        decimal At(double share) => descending[Math.Min(descending.Count - 1, (int)(share * descending.Count))];
        var (a, b, c) = (At(Shares[0]), At(Shares[1]), At(Shares[2]));
        if (!(a > b && b > c && c > 0)) return definition;
        var recut = new Tiers(a, b, c);
        return Falls(recut, scored) ? definition with { Tiers = recut } : definition;
    }

    /// <summary>Whether each tier holds enough deals and wins less often than the one above it.</summary>
    public static bool Falls(Tiers tiers, IReadOnlyList<(decimal Score, bool Won)> scored)
    {
        var rates = new List<double>();
        foreach (var (from, to) in new[] { (tiers.EffectiveA, decimal.MaxValue), (tiers.EffectiveB, tiers.EffectiveA),
                     (tiers.EffectiveC, tiers.EffectiveB), (decimal.MinValue, tiers.EffectiveC) })
        {
            var inTier = scored.Where(s => s.Score >= from && s.Score < to).ToList();
            if (inTier.Count < MinDealsPerTier) return false;
            rates.Add((double)inTier.Count(s => s.Won) / inTier.Count);
        }
        return rates.Zip(rates.Skip(1)).All(p => p.First > p.Second);
    }
}
