using System.Text.Json.Nodes;

namespace GrowthKit.Bench.Refinement;

/// <summary>The market the run used.</summary>
public sealed record MarketFigures(int Companies, int Deals, int TrainingDeals, int TrainingWon, int HoldoutDeals, int HoldoutWon,
    DateTimeOffset HoldoutFrom, double Intercept, string Truth);

/// <summary>AUCs of the four rankings over one set of deals.</summary>
public sealed record AucFigures(double Stated, double? Refined, double Logistic, double Truth);

/// <summary>One proposal the run decided on: what it proposed, what the service expected, what the holdout says.</summary>
public sealed record ProposalDecision(int Round, string ProposalId, string Decision, double? CurrentAuc, double? ExpectedAuc,
    int? Version, double? HoldoutAucOfVersion, JsonNode? Changes, string? Note);

/// <summary>A figure the system computed beside the same figure computed here from the same data.</summary>
public sealed record CrossCheck(string What, double? System, double Local, bool Agrees, string? Note);

/// <summary>Everything one refinement run measured; written as JSON under bench/results/ and printed.</summary>
public sealed class RefinementResults
{
    public const double AimGapToLogistic = 0.03;

    public DateTimeOffset RunAt { get; init; } = DateTimeOffset.UtcNow;
    public string Machine { get; init; } = $"{Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}";
    public string? Commit { get; set; }
    public required BenchOptions Options { get; init; }

    public MarketFigures? Market { get; set; }
    /// <summary>Issue 15's family of markets (offline), when run.</summary>
    public System.Text.Json.Nodes.JsonNode? Family { get; set; }
    public AucFigures? Holdout { get; set; }
    public AucFigures? Training { get; set; }
    /// <summary>Logistic minus refined holdout AUC, with its 95 % paired-bootstrap interval.</summary>
    public double? GapToLogistic { get; set; }
    public double? GapLow { get; set; }
    public double? GapHigh { get; set; }
    public bool? AimReached { get; set; }

    public double? LogisticLambda { get; set; }
    public double? LogisticValidationAuc { get; set; }
    public int? LogisticFeatures { get; set; }
    public IReadOnlyList<string>? LogisticTopCoefficients { get; set; }
    /// <summary>Holdout AUC of the regression written as an ICP (one criterion per value, whole-number weights), and its size.</summary>
    public double? LogisticAsIcpHoldoutAuc { get; set; }
    public int? LogisticAsIcpCriteria { get; set; }

    public Guid? IcpId { get; set; }
    public int? RefinedVersion { get; set; }
    public IReadOnlyList<string>? StatedCriteria { get; set; }
    public IReadOnlyList<string>? RefinedCriteria { get; set; }
    public JsonNode? RefinedDefinition { get; set; }
    public int? RefinedCriteriaCount { get; set; }
    public int? RefinedValueCount { get; set; }
    public List<ProposalDecision> Decisions { get; } = [];
    public string? RefinementStopped { get; set; }
    public List<CrossCheck> CrossChecks { get; } = [];

    public double? SystemStartSeconds { get; set; }
    public double? LeadsSeconds { get; set; }
    public int LeadsAccepted { get; set; }
    public double? DealsSeconds { get; set; }
    public int DealsAccepted { get; set; }
    public double? RefinementSeconds { get; set; }
    public double? TotalSeconds { get; set; }
    public int HttpRetries { get; set; }
    public List<string> Warnings { get; } = [];

    public string? FailedStep { get; set; }
    public string? Failure { get; set; }
}
