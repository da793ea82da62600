using GrowthKit.Model;

namespace GrowthKit.Model.Tests.Refinement;

public class WinProbabilityTests
{
    [Fact]
    public void No_calibration_before_forty_won_and_forty_lost_deals()
    {
        var scored = Enumerable.Range(0, 200).Select(i => ((decimal)i, i < 39)).ToList();

        Assert.Null(WinProbabilityCalibration.Fit(scored));
        Assert.NotNull(WinProbabilityCalibration.Fit([.. scored, (500m, true)]));
    }

    [Fact]
    public void Isotonic_steps_pool_violators_and_never_fall_as_the_score_rises()
    {
        // Scores 10, 20, 30 win 2/4, 1/4 (a violation: pooled with 10 into 3/8), 4/4.
        var scored = new List<(decimal, bool)>();
        void Add(decimal score, int won, int deals)
        {
            for (var i = 0; i < deals; i++) scored.Add((score, i < won));
        }
        Add(10, 2, 4);
        Add(20, 1, 4);
        Add(30, 4, 4);
        Add(40, 40, 40); // enough evidence for a calibration
        Add(5, 0, 40);

        var calibration = WinProbabilityCalibration.Fit(scored)!;

        Assert.Equal([(5m, 5m, 0.0), (10m, 20m, 0.375), (30m, 40m, 1.0)],
            calibration.Steps.Take(3).Select(s => (s.From, s.To, s.Probability)));
        Assert.Equal(0.375, calibration.Probability(15));
        Assert.Equal(0.0, calibration.Probability(-3));
        var probabilities = Enumerable.Range(0, 101).Select(s => calibration.Probability(s)).ToList();
        Assert.All(probabilities.Zip(probabilities.Skip(1)), p => Assert.True(p.Second >= p.First, $"{p.First} then {p.Second}"));
    }

    [Fact]
    public void A_calibrated_icp_is_nearly_as_well_calibrated_as_the_hidden_truth_on_fresh_deals()
    {
        var deals = SyntheticMarket.Deals(2000, seed: 31);
        var fresh = SyntheticMarket.Deals(3000, seed: 32);
        var refined = Refiner.Converge(SyntheticMarket.Stated(), deals, new RefinementRules(MaxWeightChange: 100), RefinerSettings.Default)[^1].Definition;

        var calibration = WinProbabilityCalibration.Fit(refined, deals)!;

        var predicted = fresh.Select(d => calibration.Probability(IcpScorer.Score(d.Lead, refined).Score)).ToList();
        var truth = fresh.Select(d => 1 / (1 + Math.Exp(-Logit(d)))).ToList();
        var won = fresh.Select(d => d.Won).ToList();
        var brier = WinProbabilityCalibration.Brier(predicted, won);
        var truthBrier = WinProbabilityCalibration.Brier(truth, won);
        Assert.True(brier <= 1.10 * truthBrier, $"Brier {brier:0.0000}, the truth's {truthBrier:0.0000}");

        // Per tier: deals, wins and an interval around the tier's probability; A wins more often than D.
        var a = calibration.Tiers.Single(t => t.Tier == TierNames.A);
        var d = calibration.Tiers.Single(t => t.Tier == TierNames.D);
        Assert.Equal(deals.Count, calibration.Tiers.Sum(t => t.Deals));
        Assert.True(a.Probability > d.Probability, $"A {a.Probability}, D {d.Probability}");
        Assert.True(a.Low <= a.High);
    }

    private static double Logit(ClosedDeal d)
    {
        var company = d.Lead.GetProperty("company");
        return SyntheticMarket.Logit(company.GetProperty("industry").GetString()!, company.GetProperty("country").GetString()!,
            company.GetProperty("employeeCount").GetInt32(),
            [.. d.Lead.GetProperty("signals").EnumerateArray().Select(s => s.GetString()!)],
            d.Lead.GetProperty("contact").GetProperty("department").GetString()!);
    }
}
