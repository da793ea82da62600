using System.Text.Json;
using GrowthKit.Model;

namespace GrowthKit.Model.Tests.Refinement;

public sealed class RefinementStatisticsTests
{
    [Fact]
    public void Auc_is_the_share_of_win_loss_pairs_ranked_right_with_ties_counting_half()
    {
        // Wins 3, 2, 2 against losses 2, 1: of six pairs four are ranked right and two tie: (4 + 2 × 0.5) / 6.
        var auc = RankStatistics.Auc([(3m, true), (2m, true), (2m, true), (2m, false), (1m, false)]);
        Assert.Equal(5.0 / 6, auc!.Value, 12);
    }

    [Fact]
    public void Auc_is_one_for_a_perfect_ranking_one_half_for_all_ties_and_null_without_both_outcomes()
    {
        Assert.Equal(1.0, RankStatistics.Auc([(9m, true), (8m, true), (1m, false)]));
        Assert.Equal(0.0, RankStatistics.Auc([(1m, true), (8m, false)]));
        Assert.Equal(0.5, RankStatistics.Auc([(5m, true), (5m, false), (5m, true), (5m, false)]));
        Assert.Null(RankStatistics.Auc([(5m, true), (4m, true)]));
        Assert.Null(RankStatistics.Auc([]));
    }

    [Fact]
    public void Shrinkage_pulls_a_few_deals_towards_the_base_rate_and_many_hardly()
    {
        // 2 of 2 won at a base rate of 0.5: (2 + 10 × 0.5) / (2 + 10) = 7/12.
        Assert.Equal(7.0 / 12, WinRates.Shrunk(2, 2, 0.5), 12);
        // 200 of 200 won: (200 + 5) / 210.
        Assert.Equal(205.0 / 210, WinRates.Shrunk(200, 200, 0.5), 12);
        Assert.Equal(0.5, WinRates.Shrunk(0, 0, 0.5), 12);
    }

    [Fact]
    public void Lift_is_the_win_rate_over_the_base_rate()
    {
        Assert.Equal(1.5, WinRates.Lift(0.6, 0.4)!.Value, 12);
        Assert.Null(WinRates.Lift(0.6, 0));
        Assert.Null(WinRates.Lift(null, 0.4));
    }

    [Fact]
    public void Z_compares_two_win_rates_with_the_pooled_rate()
    {
        // 30/50 against 20/50: pooled 0.5, se = sqrt(0.25 × 0.04) = 0.1, z = 0.2 / 0.1 = 2.
        Assert.Equal(2.0, WinRates.Z(30, 50, 20, 50), 12);
        Assert.Equal(0, WinRates.Z(3, 3, 0, 0));
        Assert.Equal("moderate", WinRates.Evidence(2.0, 50));
        Assert.Equal("weak", WinRates.Evidence(2.0, 5));
        Assert.Equal("strong", WinRates.Evidence(-3.0, 40));
    }

    [Fact]
    public void Logistic_regression_recovers_a_strong_feature_and_shrinks_a_rare_one()
    {
        // Feature 0 on half the deals wins 80 % against 20 % without; feature 1 appears on two won deals only.
        var rows = new List<int[]>();
        var won = new List<bool>();
        for (var i = 0; i < 100; i++) { rows.Add(i < 2 ? [0, 1] : [0]); won.Add(i < 80); }
        for (var i = 0; i < 100; i++) { rows.Add([]); won.Add(i < 20); }

        var beta = LogisticRegression.Fit(rows, won, 2, lambda: 1.0);

        // Unpenalised, feature 0 would be log(4) − log(1/4) = 2.77; the penalty takes a little off.
        Assert.InRange(beta[1], 2.3, 2.8);
        // Two deals move the rare feature a little, not to the infinity an unpenalised fit would reach.
        Assert.InRange(beta[2], 0, 0.8);
    }

    [Fact]
    public void Gap_analysis_on_a_small_hand_computed_case()
    {
        var definition = JsonSerializer.Deserialize<IcpDefinition>("""
            {"name": "small", "criteria": [
              {"key": "industry", "field": "company.industry", "operator": "in", "values": ["Manufacturing"], "weight": 60},
              {"key": "hiring", "field": "signals", "operator": "anyOf", "values": ["rapid_hiring"], "weight": 40}]}
            """, ModelJson.Options)!;
        // Scores: d1 100 (A), d2 60 (B), d3 40 (C), d4 0 (D), d5 60 (B).
        ClosedDeal[] deals =
        [
            Deal("d1", true, "Manufacturing", "DE", ["rapid_hiring"]),
            Deal("d2", true, "Manufacturing", "US", []),
            Deal("d3", false, "Retail Trade", "DE", ["rapid_hiring"]),
            Deal("d4", true, "Retail Trade", "US", []),
            Deal("d5", false, "Manufacturing", "DE", []),
        ];

        var report = GapAnalysis.Analyse(definition, deals);

        Assert.Equal((5, 3, 2), (report.ClosedDeals, report.Won, report.Lost));
        Assert.Equal(0.6, report.WinRate);
        // Wins 100, 60, 0 against losses 40, 60: pairs (100,40) (100,60) (60,40) right, (60,60) tie,
        // (0,40) (0,60) wrong: (3 + 0.5) / 6.
        Assert.Equal(Math.Round(3.5 / 6, 4), report.Auc);
        Assert.Equal(Math.Round(2.0 / 3, 4), report.WinsRankedAB); // d1 A, d2 B; d4 D
        Assert.Equal(0.5, report.LossesRankedAB);                  // d5 B; d3 C

        var manufacturing = report.Values.Single(v => v is { Field: "company.industry", Value: "Manufacturing" });
        Assert.Equal((3, 2), (manufacturing.Deals, manufacturing.Won));
        Assert.Equal(Math.Round(2.0 / 3, 4), manufacturing.WinRate);
        Assert.Equal(0.5, manufacturing.WinRateWithout);
        Assert.Equal(Math.Round(2.0 / 3 / 0.6, 4), manufacturing.Lift);
        // (2 + 10 × 0.6) / (3 + 10)
        Assert.Equal(Math.Round(8.0 / 13, 4), manufacturing.ShrunkWinRate);

        var germany = report.Values.Single(v => v is { Field: "company.country", Value: "DE" });
        Assert.Equal((3, 1), (germany.Deals, germany.Won));
        Assert.Equal(1.0, germany.WinRateWithout);

        var size = report.Values.Single(v => v.Field == "company.employeeCount");
        Assert.Equal(("51-200", 5, 3), (size.Value, size.Deals, size.Won));
        Assert.Null(size.WinRateWithout);

        var hiring = report.Criteria.Single(c => c.Key == "hiring");
        Assert.Equal((2, 1, 0.5, 2.0 / 3), (hiring.Deals, hiring.Won, hiring.WinRate!.Value, hiring.WinRateWithout!.Value), Tolerant);
    }

    private static readonly IEqualityComparer<(int, int, double, double)> Tolerant =
        EqualityComparer<(int, int, double, double)>.Create((a, b) =>
            a.Item1 == b.Item1 && a.Item2 == b.Item2 && Math.Abs(a.Item3 - b.Item3) < 1e-4 && Math.Abs(a.Item4 - b.Item4) < 1e-4);

    private static ClosedDeal Deal(string id, bool won, string industry, string country, string[] signals) =>
        new(id, JsonSerializer.SerializeToElement(new
        {
            externalId = id,
            company = new { name = id, industry, employeeCount = 120, country },
            signals,
        }), won, DateTimeOffset.UnixEpoch);
}
