using System.Text.Json.Serialization;

namespace GrowthKit.Model;

/// <summary>A run of scores the calibration maps to one probability: <see cref="From"/>–<see cref="To"/> (inclusive).</summary>
public sealed record CalibrationStep(decimal From, decimal To, int Deals, int Won, double Probability);

/// <summary>A tier's deals, wins, calibrated probability and the 95 % interval of its win rate.</summary>
public sealed record TierProbability(string Tier, int Deals, int Won,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? Probability, double Low, double High);

/// <summary>
/// A score's estimated chance of winning, learned from the tenant's closed deals for one ICP version by
/// isotonic regression (pool-adjacent-violators): the probability never falls as the score rises, and
/// each step is the win rate of the deals it pools. Hand-written: about twenty lines, and a numerics
/// package has no isotonic regression to offer.
/// </summary>
public sealed record WinProbabilityCalibration(
    int Deals,
    int Won,
    IReadOnlyList<CalibrationStep> Steps,
    IReadOnlyList<TierProbability> Tiers)
{
    /// <summary>The calibration needs as many won and lost deals as a proposal does (<see cref="RefinementRules.EvidenceFloor"/>).</summary>
    public const int MinWon = RefinementRules.EvidenceFloor;
    public const int MinLost = RefinementRules.EvidenceFloor;

    /// <summary>The calibration of <paramref name="definition"/> over <paramref name="deals"/>, or null on too little evidence.</summary>
    public static WinProbabilityCalibration? Fit(IcpDefinition definition, IReadOnlyList<ClosedDeal> deals)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(deals);
        var scored = deals.Select(d => (Result: IcpScorer.Score(d.Lead, definition), d.Won)).ToList();
        var calibration = Fit([.. scored.Select(s => (s.Result.Score, s.Won))]);
        if (calibration is null) return null;
        var tiers = new[] { TierNames.A, TierNames.B, TierNames.C, TierNames.D, TierNames.Disqualified }
            .Select(tier =>
            {
                var inTier = scored.Where(s => s.Result.Tier == tier).ToList();
                var won = inTier.Count(s => s.Won);
                var (low, high) = Intervals.Wilson(won, inTier.Count);
                double? p = inTier.Count == 0 ? null : Math.Round(inTier.Average(s => calibration.Probability(s.Result.Score)), 4);
                return new TierProbability(tier, inTier.Count, won, p, Math.Round(low, 4), Math.Round(high, 4));
            }).ToList();
        return calibration with { Tiers = tiers };
    }

    /// <summary>The isotonic fit of outcomes on scores, or null with fewer than <see cref="MinWon"/> won or <see cref="MinLost"/> lost.</summary>
    public static WinProbabilityCalibration? Fit(IReadOnlyList<(decimal Score, bool Won)> scored)
    {
        var won = scored.Count(s => s.Won);
        if (won < MinWon || scored.Count - won < MinLost) return null;
        // Pool adjacent violators over the distinct scores, lowest first.
        var blocks = new List<(decimal From, decimal To, int Deals, int Won)>();
        foreach (var group in scored.GroupBy(s => s.Score).OrderBy(g => g.Key))
        {
            var block = (From: group.Key, To: group.Key, Deals: group.Count(), Won: group.Count(s => s.Won));
            while (blocks.Count > 0 && (double)blocks[^1].Won / blocks[^1].Deals >= (double)block.Won / block.Deals)
            {
                var last = blocks[^1];
                blocks.RemoveAt(blocks.Count - 1);
                block = (last.From, block.To, last.Deals + block.Deals, last.Won + block.Won);
            }
            blocks.Add(block);
        }
        var steps = blocks.Select(b => new CalibrationStep(b.From, b.To, b.Deals, b.Won, Math.Round((double)b.Won / b.Deals, 4))).ToList();
        return new WinProbabilityCalibration(scored.Count, won, steps, []);
    }

    /// <summary>
    /// The probability at <paramref name="score"/>: the step's own inside a step, linear between the
    /// neighbouring steps' edges in a gap between them, the end step's beyond either end.
    /// </summary>
    public double Probability(decimal score)
    {
        if (Steps.Count == 0) return (double)Won / Math.Max(1, Deals);
        if (score <= Steps[0].To) return Steps[0].Probability;
        for (var i = 1; i < Steps.Count; i++)
        {
            var (previous, step) = (Steps[i - 1], Steps[i]);
            if (score < step.From)
            {
                var t = (double)((score - previous.To) / (step.From - previous.To));
                return previous.Probability + t * (step.Probability - previous.Probability);
            }
            if (score <= step.To) return step.Probability;
        }
        return Steps[^1].Probability;
    }

    /// <summary>The mean squared error of probabilities against outcomes (lower is better; 0.25 is a coin).</summary>
    public static double Brier(IReadOnlyList<double> probabilities, IReadOnlyList<bool> won) =>
        probabilities.Select((p, i) => (p - (won[i] ? 1 : 0)) * (p - (won[i] ? 1 : 0))).Average();
}
