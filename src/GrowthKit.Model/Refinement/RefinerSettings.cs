namespace GrowthKit.Model;

/// <summary>
/// The refiner's tuning knobs. The defaults were chosen by the refinement benchmark on its tuning seeds
/// (bench/GrowthKit.Bench/Refinement/MarketFamily.cs) and judged on other seeds; the service uses the defaults.
/// </summary>
/// <param name="Lambda">The L2 penalty of the fit: a N(0, 1/λ) prior on each value's log-odds.</param>
/// <param name="SignificantErrors">A fitted effect counts when it lies this many standard errors from 0 (0: every effect counts).</param>
/// <param name="WeightSteps">Weights move in steps of the definition's heaviest weight divided by this.</param>
/// <param name="NumericBins">At most this many learned ranges per numeric field (size, revenue).</param>
/// <param name="NoiseLevel">A proposal is made only when the paired bootstrap puts at most this share of its holdout gains at or below 0.</param>
/// <param name="BootstrapResamples">Resamples of the paired bootstrap (seeded: the same deals give the same answer).</param>
/// <param name="DisqualifierMinDeals">A value becomes a disqualifier only over at least this many deals.</param>
/// <param name="DisqualifierShare">… and only when the upper end of its win rate's 95 % interval lies below this share of the base rate.</param>
/// <param name="GroupingSteps">Values of one field whose weights lie within this many weight steps share a criterion.</param>
/// <param name="MinSupportShare">A value is fitted only when at least this share of the deals (and at least 5) have it.</param>
/// <param name="RefitOnEveryDeal">
/// Once a refit fitted on the training deals passes the holdout, propose the same refit over every deal
/// (the holdout too): the holdout judged the recipe, and more deals pin the weights down better.
/// </param>
public sealed record RefinerSettings(
    double Lambda = 1.0,
    double SignificantErrors = 1.0,
    int WeightSteps = 20,
    int NumericBins = 8,
    double NoiseLevel = 0.05,
    int BootstrapResamples = 300,
    int DisqualifierMinDeals = 30,
    double DisqualifierShare = 0.5,
    decimal GroupingSteps = 1m,
    double MinSupportShare = 0.02,
    bool RefitOnEveryDeal = true)
{
    public static RefinerSettings Default { get; } = new();
}
