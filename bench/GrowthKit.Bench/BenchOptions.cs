using System.Globalization;

namespace GrowthKit.Bench;

/// <summary>The command line: <c>--leads N --batch N --senders N --sample N --no-traces --results DIR</c>.</summary>
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
    int Seed)
{
    public const string Usage = """
        usage: bench/run.sh [--leads 50000] [--batch 1000] [--senders 4] [--sample 2000]
                            [--warmup 2000] [--seed 4711] [--timeout-minutes 15] [--no-traces] [--no-durable]
                            [--results bench/results] [--data-dir DIR]
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

            options = args[i] switch
            {
                "--leads" => options with { Leads = Number(1) },
                "--batch" => options with { BatchSize = Math.Min(Number(1), 1_000) },
                "--senders" => options with { Senders = Number(1) },
                "--sample" => options with { LatencySample = Number(0) },
                "--warmup" => options with { Warmup = Number(0) },
                "--seed" => options with { Seed = Number(0) },
                "--timeout-minutes" => options with { PhaseTimeout = TimeSpan.FromMinutes(Number(1)) },
                "--no-traces" => options with { Traces = false },
                "--no-durable" => options with { Durable = false },
                "--results" => options with { ResultsDir = Value() },
                "--data-dir" => options with { DataDir = Path.GetFullPath(Value()) },
                "-h" or "--help" => throw new ArgumentException(Usage),
                _ => throw new ArgumentException($"Unknown argument '{args[i]}'.\n{Usage}"),
            };
        }
        return options;
    }
}
