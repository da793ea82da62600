using System.Globalization;

namespace GrowthKit.Chaos.Tests;

/// <summary>
/// The suite's numbers, from the environment so that <c>bench/chaos.sh</c> runs the same code longer.
/// The defaults are the short form CI runs: 5,000 leads per fault, so 20,000 across the four faults
/// (issue 10's 20,000 per fault would not fit the suite into its 12 minutes on two shared cores).
/// </summary>
public sealed record ChaosSettings(
    int LeadsPerScenario,
    int BatchSize,
    int Senders,
    int KillRounds,
    TimeSpan KillSpacing,
    TimeSpan PostgresOutage,
    TimeSpan BrokerPause,
    TimeSpan RecoveryTimeout,
    string ReportPath)
{
    public static ChaosSettings FromEnvironment() => new(
        LeadsPerScenario: Int("GROWTHKIT_CHAOS_LEADS", 5_000),
        BatchSize: Int("GROWTHKIT_CHAOS_BATCH", 100),
        Senders: Int("GROWTHKIT_CHAOS_SENDERS", 4),
        KillRounds: Int("GROWTHKIT_CHAOS_ROUNDS", 1),
        KillSpacing: TimeSpan.FromSeconds(Int("GROWTHKIT_CHAOS_KILL_SPACING_SECONDS", 10)),
        PostgresOutage: TimeSpan.FromSeconds(Int("GROWTHKIT_CHAOS_POSTGRES_OUTAGE_SECONDS", 60)),
        BrokerPause: TimeSpan.FromSeconds(Int("GROWTHKIT_CHAOS_BROKER_PAUSE_SECONDS", 30)),
        RecoveryTimeout: TimeSpan.FromSeconds(Int("GROWTHKIT_CHAOS_RECOVERY_TIMEOUT_SECONDS", 300)),
        ReportPath: Environment.GetEnvironmentVariable("GROWTHKIT_CHAOS_REPORT") is { Length: > 0 } path
            ? path
            : "/tmp/growthkit-chaos-report.txt");

    private static int Int(string name, int fallback) =>
        int.TryParse(Environment.GetEnvironmentVariable(name), NumberStyles.None, CultureInfo.InvariantCulture, out var value)
        && value > 0
            ? value
            : fallback;
}
