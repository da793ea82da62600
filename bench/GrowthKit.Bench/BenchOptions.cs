using System.Globalization;

namespace GrowthKit.Bench;

/// <summary>
/// The command line: <c>[throughput|refinement] --leads N --batch N --senders N --sample N --no-traces --results DIR</c>;
/// the refinement scenario (issue 5's quality benchmark) reads <c>--companies --deal-share --rounds --auto --offline</c>.
/// </summary>
public sealed record BenchOptions(
    int Leads,
    int BatchSize,
    int Senders,
    int LatencySample,
    int Warmup,
    bool Traces,
    bool Durable,
    string ResultsDir,
    string DataDir,
    TimeSpan PhaseTimeout,
    int Seed,
    string Scenario = BenchOptions.Throughput,
    int Companies = 6_000,
    double DealShare = 0.75,
    int Rounds = 25,
    bool AutoMode = false,
    bool Offline = false,
    int MaxWeightChange = 20,
    int FamilySeeds = 5,
    bool Tune = true,
    int SingleLeads = 100,
    int PacedSeconds = 10,
    int HopSeconds = 5)
{
    public const string Throughput = "throughput";
    public const string Refinement = "refinement";

    public const string Usage = """
        usage: bench/run.sh [--leads 50000] [--batch 1000] [--senders 4] [--sample 2000]
                            [--singles 100] [--paced-seconds 10] [--hop-seconds 5] [--warmup 2000] [--seed 4711] [--timeout-minutes 15] [--no-traces] [--no-durable]
                            [--results bench/results] [--data-dir DIR]
               bench/run.sh refinement [--companies 6000] [--deal-share 0.75] [--rounds 25] [--max-weight-change 20]
                            [--auto] [--offline] [--family-seeds 5] [--no-tune]
                            [--seed 4711] [--timeout-minutes 15] [--no-durable] [--results bench/results]
          refinement: a synthetic market with a hidden win probability; the stated ICP, leads and training
          deals go through the gateway, proposals are accepted for up to --rounds rounds (--auto: the
          service's auto mode instead; --max-weight-change: the guardrail per version), and the holdout AUCs are printed. --offline skips the system
          (market, regression, stated/truth AUCs, and the service's refiner run in process round by round: a 5-second tuning loop).
          Both forms end with the market family (offline): 4 shapes × --family-seeds seeds (0: none), the refiner's settings
          chosen on tuning seeds (--no-tune: the defaults), gaps to the regression, calibration and the learning curve.
        """;

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions(
            Leads: 50_000, BatchSize: 1_000, Senders: 4, LatencySample: 2_000, Warmup: 2_000, Traces: true, Durable: true,
            ResultsDir: Path.Combine("bench", "results"),
            DataDir: Path.Combine(Environment.GetEnvironmentVariable("GROWTHKIT_BENCH_DATA_ROOT") ?? "/tmp/growthkit-bench",
                "run-" + DateTime.UtcNow.ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + "-" + Environment.ProcessId),
            PhaseTimeout: TimeSpan.FromMinutes(15), Seed: 4711);

        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.\n{Usage}");
            int Number(int min) => int.TryParse(Value(), NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n >= min
                ? n
                : throw new ArgumentException($"{args[i - 1]} needs a whole number of at least {min}.\n{Usage}");
            double Share() => double.TryParse(Value(), NumberStyles.Float, CultureInfo.InvariantCulture, out var x) && x is > 0 and <= 1
                ? x
                : throw new ArgumentException($"{args[i - 1]} needs a share between 0 and 1.\n{Usage}");

            options = args[i] switch
            {
                "--leads" => options with { Leads = Number(1) },
                "--batch" => options with { BatchSize = Math.Min(Number(1), 1_000) },
                "--senders" => options with { Senders = Number(1) },
                "--sample" => options with { LatencySample = Number(0) },
                "--warmup" => options with { Warmup = Number(0) },
                "--singles" => options with { SingleLeads = Number(0) },
                "--paced-seconds" => options with { PacedSeconds = Number(0) },
                "--hop-seconds" => options with { HopSeconds = Number(0) },
                "--seed" => options with { Seed = Number(0) },
                "--timeout-minutes" => options with { PhaseTimeout = TimeSpan.FromMinutes(Number(1)) },
                "--no-traces" => options with { Traces = false },
                "--no-durable" => options with { Durable = false },
                Throughput or Refinement => options with { Scenario = args[i] },
                "--scenario" => options with { Scenario = Value() is Throughput or Refinement ? args[i] : throw new ArgumentException($"--scenario is {Throughput} or {Refinement}.\n{Usage}") },
                "--companies" => options with { Companies = Number(100) },
                "--deal-share" => options with { DealShare = Share() },
                "--rounds" => options with { Rounds = Number(0) },
                "--max-weight-change" => options with { MaxWeightChange = Number(1) },
                "--auto" => options with { AutoMode = true },
                "--offline" => options with { Offline = true },
                "--family-seeds" => options with { FamilySeeds = Number(0) },
                "--no-tune" => options with { Tune = false },
                "--results" => options with { ResultsDir = Value() },
                "--data-dir" => options with { DataDir = Path.GetFullPath(Value()) },
                "-h" or "--help" => throw new ArgumentException(Usage),
                _ => throw new ArgumentException($"Unknown argument '{args[i]}'.\n{Usage}"),
            };
        }
        return options;
    }
}
