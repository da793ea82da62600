using GrowthKit.Bench.Baselines;
using GrowthKit.Bench.Telemetry;

namespace GrowthKit.Bench;

public sealed record SampleCheck(int Checked, int Scored);

/// <summary>What watching for completion asked of the system: probe reads, then full sweeps of the list.</summary>
public sealed record WatchCost(int ProbeRounds, int ProbeRequests, int Sweeps, int Pages);

/// <summary>Everything one run measured; written as JSON under bench/results/ and printed as tables.</summary>
public sealed class BenchResults
{
    // Issue 13's aims are ratios to a baseline measured in the same run, not absolute rates.
    public const double AimEndToEndToRawBroker = 0.5;
    public const double AimRescoringToCopy = 0.5;
    public const double AimPublicPortToDirect = 0.8;
    public const double AimLatencyP50Ms = 50;
    public const double AimLatencyP99Ms = 250;

    public DateTimeOffset RunAt { get; init; } = DateTimeOffset.UtcNow;
    public string Machine { get; init; } = $"{Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}";
    public string? Commit { get; set; }
    public required BenchOptions Options { get; init; }
    public double AverageLeadBytes { get; set; }
    public double SystemStartSeconds { get; set; }
    public double? LoadAverageAtStart { get; set; }

    public const double AimMemoryAfterStartMb = 1_536;
    public const double AimMemoryPeakMb = 2_048;
    public MemoryFigures? MemoryAfterStart { get; set; }
    public MemoryFigures? MemoryPeak { get; set; }

    public RabbitMqFigures? RawBroker { get; set; }
    public string? RawBrokerError { get; set; }
    public MassTransitFigures? MassTransit { get; set; }
    public string? MassTransitError { get; set; }
    public CopyFigures? Copy { get; set; }
    public string? CopyError { get; set; }

    public int Accepted { get; set; }
    public int Rejected { get; set; }
    public IReadOnlyList<string>? RejectionSamples { get; set; }
    public double? AcceptSeconds { get; set; }
    public double? AcceptedPerSecond { get; set; }
    public Percentiles? BatchRequestMs { get; set; }

    public double? EndToEndSeconds { get; set; }
    public double? ScoredPerSecond { get; set; }
    /// <summary>"scoredAt" (exact, from the list) or "polling" (an upper bound).</summary>
    public string? EndToEndSource { get; set; }
    public double? ScoringTailSeconds { get; set; }
    public WatchCost? CompletionWatch { get; set; }
    public Percentiles? AcceptToScoreSampleMs { get; set; }
    public Percentiles? AcceptToScoreAllMs { get; set; }

    public PortHopFigures? PortHop { get; set; }
    public SingleLeadFigures? SingleLeadsIdle { get; set; }
    public SingleLeadFigures? PacedAtHalfRate { get; set; }

    public RescoringOutcome? Rescoring { get; set; }
    public SampleCheck? RescoringCheck { get; set; }

    public IReadOnlyList<ProcessCost>? CpuIngestAndScoring { get; set; }
    public double? IngestAndScoringWallSeconds { get; set; }
    public double? MachineBusyIngestAndScoring { get; set; }
    public IReadOnlyList<ProcessCost>? CpuRescoring { get; set; }
    public double? RescoringWallSeconds { get; set; }
    public double? MachineBusyRescoring { get; set; }
    public int SpansReceived { get; set; }
    public IReadOnlyList<SpanCost>? SpansIngestAndScoring { get; set; }
    public IReadOnlyList<SpanCost>? SpansRescoring { get; set; }
    public int HttpRetries { get; set; }

    public string? FailedStep { get; set; }
    public string? Failure { get; set; }
}
