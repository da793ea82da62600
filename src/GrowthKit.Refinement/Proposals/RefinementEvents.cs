using GrowthKit.Model;

namespace GrowthKit.Refinement.Proposals;

// One stream per ICP (its id), in refinement's own store: the settings and every proposal's life.

/// <summary>A proposal made from the evidence at <paramref name="Basis"/> (the ICP version, the deals and the settings it saw).</summary>
public sealed record ProposalMade(
    Guid IcpId, Guid ProposalId, int BaseVersion, string Basis, IcpDefinition Definition,
    IReadOnlyList<DefinitionChange> Changes, ProposalEvidence Evidence, double CurrentAuc, double ExpectedAuc,
    string Reason, DateTimeOffset At);

/// <summary>The ICP service published the proposal as <paramref name="Version"/>; <paramref name="By"/> accepted it ("refinement" in auto mode).</summary>
public sealed record ProposalAccepted(Guid IcpId, Guid ProposalId, int Version, string By, DateTimeOffset At);

/// <summary>Someone rejected the proposal, or refinement withdrew it ("refinement": newer evidence or a newer version).</summary>
public sealed record ProposalRejected(Guid IcpId, Guid ProposalId, string By, string? Reason, DateTimeOffset At);

/// <summary>
/// Refinement looked at the evidence <paramref name="Basis"/> names (after deals arrived or a version was
/// recorded); <paramref name="WhyNone"/> says why it gave no proposal, when it gave none.
/// </summary>
public sealed record EvidenceReviewed(Guid IcpId, int IcpVersion, string Basis, int Deals, int Won, string? WhyNone, DateTimeOffset At);

/// <summary>
/// The closed deals, scored with version <paramref name="IcpVersion"/>, map a score to a chance of winning
/// (isotonic, <see cref="WinProbabilityCalibration"/>); relayed to scoring as <c>WinCalibrationFitted</c>.
/// </summary>
public sealed record WinCalibrationFitted(
    Guid IcpId, int IcpVersion, string Basis, int Deals, int Won, IReadOnlyList<CalibrationStep> Steps,
    IReadOnlyList<TierProbability> Tiers, DateTimeOffset At);

public sealed record RefinementSettingsChanged(
    Guid IcpId, string Mode, int MinWon, int MinLost, decimal MaxWeightChange, string By, DateTimeOffset At);

public static class RefinementModes
{
    public const string Manual = "manual";
    public const string Auto = "auto";
}

public static class ProposalStatuses
{
    public const string Pending = "pending";
    public const string Accepted = "accepted";
    public const string Rejected = "rejected";
}

public sealed record RefinementSettings(string Mode, int MinWon, int MinLost, decimal MaxWeightChange)
{
    public static RefinementSettings Default { get; } = new(RefinementModes.Manual, RefinementRules.EvidenceFloor,
        RefinementRules.EvidenceFloor, RefinementRules.DefaultMaxWeightChange);

    public RefinementRules Rules => new(MinWon, MinLost, MaxWeightChange);
}

public sealed record Proposal(
    Guid ProposalId, string Status, int BaseVersion, string Basis, IcpDefinition Definition,
    IReadOnlyList<DefinitionChange> Changes, ProposalEvidence Evidence, double CurrentAuc, double ExpectedAuc,
    string Reason, DateTimeOffset ProposedAt, int? Version = null, string? DecidedBy = null, string? DecisionReason = null,
    DateTimeOffset? DecidedAt = null);

/// <summary>The latest review of the evidence: what it saw and why it proposed nothing, when it did not.</summary>
public sealed record Review(int IcpVersion, string Basis, int Deals, int Won, string? WhyNone, DateTimeOffset At);

/// <summary>The latest win calibration: the version it was fitted for and the evidence it saw.</summary>
public sealed record Calibration(int IcpVersion, string Basis, int Deals, int Won, DateTimeOffset At);

/// <summary>An ICP's refinement as its stream tells it: settings and proposals, newest last; the latest review and calibration.</summary>
public sealed record IcpRefinement(Guid Id, RefinementSettings Settings, IReadOnlyList<Proposal> Proposals,
    Review? LastReview = null, Calibration? LastCalibration = null)
{
    public static IcpRefinement Create(ProposalMade e) => Empty(e.IcpId).Apply(e);

    public static IcpRefinement Create(RefinementSettingsChanged e) => Empty(e.IcpId).Apply(e);

    public static IcpRefinement Create(EvidenceReviewed e) => Empty(e.IcpId).Apply(e);

    public static IcpRefinement Create(WinCalibrationFitted e) => Empty(e.IcpId).Apply(e);

    public static IcpRefinement Empty(Guid icpId) => new(icpId, RefinementSettings.Default, []);

    public IcpRefinement Apply(ProposalMade e) => this with
    {
        Proposals = [.. Proposals, new Proposal(e.ProposalId, ProposalStatuses.Pending, e.BaseVersion, e.Basis, e.Definition,
            e.Changes, e.Evidence, e.CurrentAuc, e.ExpectedAuc, e.Reason, e.At)],
    };

    public IcpRefinement Apply(ProposalAccepted e) => Decide(e.ProposalId, p => p with
    {
        Status = ProposalStatuses.Accepted, Version = e.Version, DecidedBy = e.By, DecidedAt = e.At,
    });

    public IcpRefinement Apply(ProposalRejected e) => Decide(e.ProposalId, p => p with
    {
        Status = ProposalStatuses.Rejected, DecidedBy = e.By, DecisionReason = e.Reason, DecidedAt = e.At,
    });

    public IcpRefinement Apply(RefinementSettingsChanged e) => this with
    {
        Settings = new RefinementSettings(e.Mode, e.MinWon, e.MinLost, e.MaxWeightChange),
    };

    public IcpRefinement Apply(EvidenceReviewed e) => this with
    {
        LastReview = new Review(e.IcpVersion, e.Basis, e.Deals, e.Won, e.WhyNone, e.At),
    };

    public IcpRefinement Apply(WinCalibrationFitted e) => this with
    {
        LastCalibration = new Calibration(e.IcpVersion, e.Basis, e.Deals, e.Won, e.At),
    };

    public Proposal? Find(Guid proposalId) => Proposals.FirstOrDefault(p => p.ProposalId == proposalId);

    private IcpRefinement Decide(Guid proposalId, Func<Proposal, Proposal> change) => this with
    {
        Proposals = [.. Proposals.Select(p => p.ProposalId == proposalId ? change(p) : p)],
    };
}
