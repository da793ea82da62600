using System.Globalization;
using GrowthKit.Model;

namespace GrowthKit.Refinement.Proposals;

// The commands on an ICP's refinement stream. The clock, ids and the evidence come in as arguments:
// every decision below is pure and unit-tested without I/O (tests/GrowthKit.Services.Tests/Deciders).

/// <summary>Look at the evidence: the closed deals against the published version <paramref name="IcpVersion"/>.</summary>
public sealed record ReviewEvidence(Guid TenantId, Guid IcpId, int IcpVersion, IcpDefinition Definition, IReadOnlyList<ClosedDeal> Deals);

/// <summary>Publish a pending proposal (the ICP service does it; see <see cref="RecordAcceptance"/>).</summary>
public sealed record AcceptProposal(Guid IcpId, Guid ProposalId, string By);

/// <summary>The ICP service published the proposal as <paramref name="Version"/>.</summary>
public sealed record RecordAcceptance(Guid IcpId, Guid ProposalId, int Version, string By);

public sealed record RejectProposal(Guid IcpId, Guid ProposalId, string By, string? Reason);

public sealed record ChangeRefinementSettings(Guid IcpId, RefinementSettings Settings, string By);

/// <summary>What accepting a proposal comes to before the ICP service is asked.</summary>
public abstract record AcceptDecision
{
    public sealed record NotFound : AcceptDecision;

    /// <summary>Accepted before: its version again, nothing published twice.</summary>
    public sealed record AlreadyPublished(int Version) : AcceptDecision;

    public sealed record Refused(string Reason) : AcceptDecision;

    public sealed record Publish(Proposal Proposal) : AcceptDecision;
}

public static class RefinementDecider
{
    public const string RefinementActor = "refinement";

    /// <summary>
    /// A review of new evidence: pending proposals of an older version, or superseded by a new one, are
    /// withdrawn; a proposal is made when the evidence supports one; the review is recorded (with why
    /// nothing was proposed); the win calibration is refitted for the version when its deals changed and
    /// there are enough of them. Evidence already reviewed gives nothing.
    /// </summary>
    public static IReadOnlyList<object> Decide(ReviewEvidence command, IcpRefinement state, DateTimeOffset now)
    {
        var (icpId, version, deals) = (command.IcpId, command.IcpVersion, command.Deals);
        var events = new List<object>();
        var basis = ProposalBasis(version, deals, state.Settings);
        if (state.LastReview?.Basis != basis && state.Proposals.All(p => p.Basis != basis))
        {
            var attempt = Refiner.Propose(command.Definition, deals, state.Settings.Rules);
            foreach (var stale in state.Proposals.Where(p => p.Status == ProposalStatuses.Pending
                                                             && (p.BaseVersion != version || attempt.Proposal is not null)))
            {
                events.Add(new ProposalRejected(icpId, stale.ProposalId, RefinementActor, stale.BaseVersion != version
                    ? $"Withdrawn: version {version} has been published since."
                    : "Withdrawn: superseded by a proposal from newer evidence.", now));
            }
            if (attempt.Proposal is { } proposal)
            {
                var proposalId = DeterministicId.For(command.TenantId.ToString(), icpId.ToString(), basis);
                events.Add(new ProposalMade(icpId, proposalId, version, basis, proposal.Definition, proposal.Changes,
                    proposal.Evidence, proposal.CurrentAuc, proposal.ExpectedAuc, proposal.Reason(proposalId), now));
            }
            events.Add(new EvidenceReviewed(icpId, version, basis, deals.Count, deals.Count(d => d.Won), attempt.WhyNot, now));
        }

        var calibrationBasis = CalibrationBasis(version, deals);
        if (state.LastCalibration?.Basis != calibrationBasis
            && WinProbabilityCalibration.Fit(command.Definition, deals) is { } calibration)
        {
            events.Add(new WinCalibrationFitted(icpId, version, calibrationBasis, calibration.Deals, calibration.Won,
                calibration.Steps, calibration.Tiers, now));
        }
        return events;
    }

    public static AcceptDecision Decide(AcceptProposal command, IcpRefinement? state) =>
        state?.Find(command.ProposalId) switch
        {
            null => new AcceptDecision.NotFound(),
            { Status: ProposalStatuses.Accepted } accepted => new AcceptDecision.AlreadyPublished(accepted.Version!.Value),
            { Status: ProposalStatuses.Rejected } rejected =>
                new AcceptDecision.Refused($"The proposal was rejected by {rejected.DecidedBy}: {rejected.DecisionReason}"),
            var pending => new AcceptDecision.Publish(pending),
        };

    public static IReadOnlyList<object> Decide(RecordAcceptance command, IcpRefinement state, DateTimeOffset now) =>
        state.Find(command.ProposalId)?.Status == ProposalStatuses.Pending
            ? [new ProposalAccepted(command.IcpId, command.ProposalId, command.Version, command.By, now)]
            : [];

    /// <summary>Only a pending proposal can be rejected; anything else records nothing.</summary>
    public static IReadOnlyList<object> Decide(RejectProposal command, IcpRefinement state, DateTimeOffset now) =>
        state.Find(command.ProposalId)?.Status == ProposalStatuses.Pending
            ? [new ProposalRejected(command.IcpId, command.ProposalId, command.By, command.Reason, now)]
            : [];

    /// <summary>The same settings again record nothing.</summary>
    public static IReadOnlyList<object> Decide(ChangeRefinementSettings command, IcpRefinement state, DateTimeOffset now)
    {
        var s = command.Settings;
        return state.Settings == s
            ? []
            : [new RefinementSettingsChanged(command.IcpId, s.Mode, s.MinWon, s.MinLost, s.MaxWeightChange, command.By, now)];
    }

    public static IcpRefinement Evolve(IcpRefinement state, object e) => e switch
    {
        ProposalMade m => state.Apply(m),
        ProposalAccepted a => state.Apply(a),
        ProposalRejected r => state.Apply(r),
        RefinementSettingsChanged s => state.Apply(s),
        EvidenceReviewed v => state.Apply(v),
        WinCalibrationFitted c => state.Apply(c),
        _ => state,
    };

    /// <summary>What a proposal rests on: the version, the deals (count, wins, newest close) and the settings.</summary>
    public static string ProposalBasis(int version, IReadOnlyList<ClosedDeal> deals, RefinementSettings settings) =>
        string.Create(CultureInfo.InvariantCulture,
            $"{CalibrationBasis(version, deals)};{settings.MinWon}/{settings.MinLost}/{settings.MaxWeightChange}");

    /// <summary>What a calibration rests on: the version and the deals.</summary>
    public static string CalibrationBasis(int version, IReadOnlyList<ClosedDeal> deals) =>
        string.Create(CultureInfo.InvariantCulture,
            $"v{version};deals {deals.Count};won {deals.Count(d => d.Won)};last {LastClosed(deals)}");

    private static string LastClosed(IReadOnlyList<ClosedDeal> deals) =>
        deals.Count == 0 ? "-" : deals.Max(d => d.ClosedAt).ToString("O", CultureInfo.InvariantCulture);
}
