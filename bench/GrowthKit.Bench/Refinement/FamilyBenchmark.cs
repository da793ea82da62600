using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using GrowthKit.Model;

namespace GrowthKit.Bench.Refinement;

/// <summary>One market's figures: holdout AUCs, the rounds, the criteria and the calibration.</summary>
public sealed record FamilyRun(
    string Shape, int Seed, int TrainingDeals, int TrainingWon, double WinRate, string Description,
    double Stated, double Refined, double Logistic, double Truth, double Gap,
    int Criteria, int Disqualifiers, IReadOnlyList<string> Rounds,
    double? Brier, double TruthBrier, double LogisticBrier)
{
    public double? BrierRatio => Brier is { } b ? b / TruthBrier : null;
}

/// <summary>One bin of the reliability table: predicted probability against what happened and against the hidden truth.</summary>
public sealed record ReliabilityBin(string Range, int Deals, double Predicted, double Observed, double Truth);

public sealed class FamilyResults
{
    public required RefinerSettings Settings { get; init; }
    public List<string> Tuning { get; } = [];
    public List<FamilyRun> Runs { get; } = [];
    public Dictionary<string, List<ReliabilityBin>> Reliability { get; } = [];
    public List<(int Deals, double Refined, double Logistic, double Truth, int Unrefined)> LearningCurve { get; } = [];
    public double Seconds { get; set; }
}

/// <summary>
/// Issue 15's family of markets, run offline with the service's own refiner (<see cref="Refiner.Converge"/>):
/// four shapes × several seeds; the refiner's settings are chosen on tuning seeds (1 and 2) and reported on
/// others (101 …); every round is kept; the calibrated win probability is judged against the hidden truth.
/// </summary>
public static class FamilyBenchmark
{
    public static readonly int[] TuningSeeds = [1, 2];
    public static readonly int[] CurveDeals = [80, 200, 500, 1_000, 3_000];
    public static readonly double[] ReliabilityEdges = [0, 0.05, 0.1, 0.2, 0.3, 0.4, 0.6, 1.0001];

    /// <summary>The settings tried on the tuning seeds.</summary>
    public static IEnumerable<RefinerSettings> Grid() =>
        from lambda in new[] { 0.3, 1.0, 3.0 }
        from errors in new[] { 0.0, 1.0, 2.0 }
        select RefinerSettings.Default with { Lambda = lambda, SignificantErrors = errors };

    public static decimal MaxWeightChange { get; set; } = RefinementRules.DefaultMaxWeightChange;

    public static FamilyResults Run(int reportSeeds, bool tune)
    {
        var clock = Stopwatch.StartNew();
        var shapes = Enum.GetValues<MarketShape>();
        var settings = RefinerSettings.Default;
        var tuning = new List<string>();
        if (tune)
        {
            var markets = shapes.SelectMany(s => TuningSeeds.Select(seed => new FamilyMarket(s, seed))).ToList();
            var best = (Settings: settings, Score: double.NegativeInfinity);
            foreach (var candidate in Grid())
            {
                // Judged by the mean gap to the regression plus the worst: both are aims.
                var gaps = markets.Select(m => Evaluate(m, candidate, calibrate: false).Gap).ToList();
                var score = -(gaps.Average() + gaps.Max());
                tuning.Add(string.Create(CultureInfo.InvariantCulture,
                    $"λ {candidate.Lambda}, {candidate.SignificantErrors} SE: mean gap {gaps.Average():+0.000;-0.000}, worst {gaps.Max():+0.000;-0.000}"));
                Console.WriteLine("  tuning " + tuning[^1]);
                if (score > best.Score + 1e-9) best = (candidate, score);
            }
            settings = best.Settings;
        }
        var results = new FamilyResults { Settings = settings };
        results.Tuning.AddRange(tuning);

        var reliability = shapes.ToDictionary(s => s.ToString(), _ => new List<(double Predicted, bool Won, double Truth)>());
        foreach (var shape in shapes)
        {
            foreach (var seed in Enumerable.Range(101, reportSeeds))
            {
                var market = new FamilyMarket(shape, seed);
                var run = Evaluate(market, settings, calibrate: true, reliability[shape.ToString()]);
                results.Runs.Add(run);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                    $"  {shape,-9} seed {seed}: win rate {run.WinRate:0.00}, {run.TrainingDeals} training deals; stated {run.Stated:0.000}, refined {run.Refined:0.000} "
                    + $"({run.Criteria} criteria, {run.Disqualifiers} disqualifiers, {run.Rounds.Count} rounds), regression {run.Logistic:0.000}, truth {run.Truth:0.000}; "
                    + $"Brier {run.Brier:0.0000} vs truth {run.TruthBrier:0.0000}"));
                foreach (var round in run.Rounds) Console.WriteLine("      " + round);
            }
        }
        foreach (var (shape, points) in reliability) results.Reliability[shape] = Bins(points);

        foreach (var deals in CurveDeals)
        {
            var runs = Enumerable.Range(101, reportSeeds).Select(seed => Evaluate(new FamilyMarket(MarketShape.Additive, seed, deals), settings, calibrate: false)).ToList();
            results.LearningCurve.Add((deals, runs.Average(r => r.Refined), runs.Average(r => r.Logistic), runs.Average(r => r.Truth), runs.Count(r => r.Rounds.Count == 0)));
        }
        results.Seconds = clock.Elapsed.TotalSeconds;
        return results;
    }

    public static FamilyRun Evaluate(FamilyMarket market, RefinerSettings settings, bool calibrate, List<(double, bool, double)>? reliability = null)
    {
        var scoring = new LocalScoring(market.Companies);
        var stated = LocalScoring.Parse(JsonNode.Parse(StatedIcp.Definition)!);
        var closed = market.Training.Select(d => new ClosedDeal(d.DealId, scoring.Lead(d.Company), d.Won, d.ClosedAt)).ToList();
        var won = market.Holdout.Select(d => d.Won).ToList();

        var rounds = new List<string>();
        var current = stated;
        var statedAuc = Auc.Of(scoring.Scores(market.Holdout, stated), won);
        foreach (var proposal in Refiner.Converge(stated, closed, new RefinementRules(MaxWeightChange: MaxWeightChange), settings))
        {
            current = proposal.Definition;
            var kinds = proposal.Changes.GroupBy(c => c.Kind).Select(g => $"{g.Count()} {g.Key}");
            rounds.Add(string.Create(CultureInfo.InvariantCulture,
                $"round {rounds.Count + 1}: refiner's holdout {proposal.CurrentAuc:0.000} → {proposal.ExpectedAuc:0.000} (bootstrap: no gain in "
                + $"{proposal.Evidence.ShareNotBetter:0%}), market holdout {Auc.Of(scoring.Scores(market.Holdout, current), won):0.000}; {string.Join(", ", kinds)}"));
        }
        var refinedScores = scoring.Scores(market.Holdout, current);
        var refined = Auc.Of(refinedScores, won);
        var logistic = OfflineLogisticRegression.Fit(market.Training);
        var logisticScores = market.Holdout.Select(d => logistic.Score(d.Company)).ToList();
        var lr = Auc.Of(logisticScores, won);
        var truthProbabilities = market.Holdout.Select(d => d.Company.WinProbability).ToList();
        var truth = Auc.Of(truthProbabilities, won);

        double? brier = null;
        if (calibrate && WinProbabilityCalibration.Fit(current, closed) is { } calibration)
        {
            var predicted = market.Holdout.Select(d => calibration.Probability(scoring.Score(d.Company, current).Score)).ToList();
            brier = WinProbabilityCalibration.Brier(predicted, won);
            reliability?.AddRange(predicted.Select((p, i) => (p, won[i], truthProbabilities[i])));
        }
        return new FamilyRun(market.Shape.ToString(), market.Seed, market.Training.Count, market.Training.Count(d => d.Won), market.WinRate,
            market.Description, statedAuc, refined, lr, truth, lr - refined,
            current.Criteria?.Count ?? 0, current.Disqualifiers?.Count ?? 0, rounds,
            brier, WinProbabilityCalibration.Brier(truthProbabilities, won),
            WinProbabilityCalibration.Brier([.. logisticScores.Select(x => 1 / (1 + Math.Exp(-x)))], won));
    }

    private static List<ReliabilityBin> Bins(List<(double Predicted, bool Won, double Truth)> points)
    {
        var bins = new List<ReliabilityBin>();
        for (var i = 0; i + 1 < ReliabilityEdges.Length; i++)
        {
            var (lo, hi) = (ReliabilityEdges[i], ReliabilityEdges[i + 1]);
            var inBin = points.Where(p => p.Predicted >= lo && p.Predicted < hi).ToList();
            if (inBin.Count == 0) continue;
            bins.Add(new ReliabilityBin(string.Create(CultureInfo.InvariantCulture, $"{lo:0.00}–{Math.Min(1, hi):0.00}"), inBin.Count,
                inBin.Average(p => p.Predicted), inBin.Average(p => p.Won ? 1.0 : 0.0), inBin.Average(p => p.Truth)));
        }
        return bins;
    }

    public static void Print(FamilyResults r)
    {
        var s = r.Settings;
        Console.WriteLine();
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"Market family (offline, the service's refiner; settings {(r.Tuning.Count > 0 ? $"chosen on seeds {string.Join(", ", TuningSeeds)}" : "the defaults (--no-tune)")}: λ {s.Lambda}, {s.SignificantErrors} SE, "
            + $"weight step 1/{s.WeightSteps}, guardrail {MaxWeightChange} points per version, {s.NumericBins} learned ranges per numeric field, noise level {s.NoiseLevel}; reported on seeds 101–{100 + r.Runs.Select(x => x.Seed).Distinct().Count()}):"));
        var rows = r.Runs.GroupBy(x => x.Shape).Select(g => new[]
        {
            g.Key, g.Count().ToString(CultureInfo.InvariantCulture),
            $"{g.Min(x => x.WinRate):0.00}–{g.Max(x => x.WinRate):0.00}",
            $"{g.Min(x => x.TrainingDeals)}–{g.Max(x => x.TrainingDeals)}",
            F(g.Average(x => x.Stated)), F(g.Average(x => x.Refined)), F(g.Average(x => x.Logistic)), F(g.Average(x => x.Truth)),
            G(g.Average(x => x.Gap)), G(g.Max(x => x.Gap)),
            $"{g.Average(x => x.Criteria):0.0}", $"{g.Average(x => x.Disqualifiers):0.0}", $"{g.Average(x => x.Rounds.Count):0.0}",
            g.All(x => x.Brier is not null) ? $"{g.Average(x => x.Brier!.Value):0.0000}" : "—",
            $"{g.Average(x => x.TruthBrier):0.0000}",
            g.All(x => x.BrierRatio is not null) ? $"{g.Average(x => x.BrierRatio!.Value):0.000}/{g.Max(x => x.BrierRatio!.Value):0.000}" : "—",
        }).ToList();
        RefinementReport.PrintTable(["shape", "markets", "win rate", "training", "stated", "refined", "regression", "truth",
            "mean gap", "worst gap", "criteria", "disq.", "rounds", "Brier", "truth Brier", "ratio mean/worst"], rows);
        Console.WriteLine("  gap = regression − refined holdout AUC (4,000 later deals per market); aim: mean ≤ 0.010, worst ≤ 0.020; Brier ratio ≤ 1.10.");

        Console.WriteLine();
        Console.WriteLine("Reliability of the calibrated win probability (isotonic per version, fitted on the training deals; holdout deals, pooled per shape):");
        foreach (var (shape, bins) in r.Reliability)
        {
            RefinementReport.PrintTable([shape, "deals", "predicted", "observed", "hidden truth"],
                [.. bins.Select(b => new[] { b.Range, b.Deals.ToString(CultureInfo.InvariantCulture), F(b.Predicted), F(b.Observed), F(b.Truth) })]);
        }

        Console.WriteLine();
        Console.WriteLine("Learning curve (additive shape, mean holdout AUC over the report seeds):");
        RefinementReport.PrintTable(["training deals", "refined ICP", "regression", "truth", "gap", "markets without a proposal"],
            [.. r.LearningCurve.Select(c => new[] { c.Deals.ToString("N0", CultureInfo.InvariantCulture), F(c.Refined), F(c.Logistic), F(c.Truth),
                G(c.Logistic - c.Refined), c.Unrefined.ToString(CultureInfo.InvariantCulture) })]);
        Console.WriteLine($"  (below {RefinementRules.EvidenceFloor} won and {RefinementRules.EvidenceFloor} lost deals the service proposes nothing: the stated ICP stays)");
        Console.WriteLine($"Market family: {r.Seconds:0} s");

        static string F(double x) => x.ToString("0.000", CultureInfo.InvariantCulture);
        static string G(double x) => x.ToString("+0.000;-0.000", CultureInfo.InvariantCulture);
    }

    public static JsonNode ToJson(FamilyResults r) => JsonSerializer.SerializeToNode(new
    {
        r.Settings, r.Tuning, r.Runs, r.Reliability,
        LearningCurve = r.LearningCurve.Select(c => new { c.Deals, c.Refined, c.Logistic, c.Truth, c.Unrefined }),
        r.Seconds,
    }, new JsonSerializerOptions { WriteIndented = true })!;
}
