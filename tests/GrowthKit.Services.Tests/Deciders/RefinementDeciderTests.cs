using System.Text.Json;
using GrowthKit.Model;
using GrowthKit.Refinement.Icps;
using GrowthKit.Refinement.Proposals;
using GrowthKit.Services.Tests.Refinement;

namespace GrowthKit.Services.Tests.Deciders;

/// <summary>Given events, when a command, then events: the refinement service's pure decisions (no database, no broker).</summary>
public sealed class RefinementDeciderTests
{
    private static readonly Guid Tenant = Guid.CreateVersion7();
    private static readonly Guid IcpId = Guid.CreateVersion7();
    private static readonly DateTimeOffset Now = new(2026, 3, 2, 9, 0, 0, TimeSpan.Zero);
    private static readonly IcpDefinition Stated = JsonSerializer.Deserialize<IcpDefinition>(SyntheticMarket.StatedJsonWithoutTiers, ModelJson.Options)!;

    private static List<ClosedDeal> Deals(IEnumerable<DrawnDeal> deals) =>
        [.. deals.Select(d => new ClosedDeal($"deal-{d.ExternalId}", d.Lead, d.Won, d.ClosedAt))];

    private static IcpRefinement Given(params object[] events) =>
        events.Aggregate(IcpRefinement.Empty(IcpId), RefinementDecider.Evolve);

    private static ReviewEvidence Review(IReadOnlyList<ClosedDeal> deals, int version = 1) => new(Tenant, IcpId, version, Stated, deals);

    private static ProposalMade Made(Guid proposalId, int version = 1, string basis = "older evidence") =>
        new(IcpId, proposalId, version, basis, Stated, [], new ProposalEvidence(40, 40, 56, 24, Now, [], []), 0.6, 0.7, "why", Now);

    [Fact]
    public void Evidence_below_forty_won_deals_is_reviewed_without_a_proposal_or_a_calibration()
    {
        var market = SyntheticMarket.Draw(400, seed: 5);
        var deals = Deals(market.Where(d => d.Won).Take(39).Concat(market.Where(d => !d.Won).Take(100)));

        var events = RefinementDecider.Decide(Review(deals), IcpRefinement.Empty(IcpId), Now);

        var reviewed = Assert.IsType<EvidenceReviewed>(Assert.Single(events));
        Assert.Equal((1, 139, 39), (reviewed.IcpVersion, reviewed.Deals, reviewed.Won));
        Assert.Contains("39 won", reviewed.WhyNone);
    }

    [Fact]
    public void Enough_evidence_makes_one_proposal_records_the_review_and_fits_the_win_calibration_and_the_same_evidence_gives_nothing()
    {
        var deals = Deals(SyntheticMarket.Draw(800, seed: 21));

        var events = RefinementDecider.Decide(Review(deals), IcpRefinement.Empty(IcpId), Now);

        var made = Assert.Single(events.OfType<ProposalMade>());
        Assert.Equal(DeterministicId.For(Tenant.ToString(), IcpId.ToString(), made.Basis), made.ProposalId);
        Assert.True(made.ExpectedAuc > made.CurrentAuc);
        Assert.Null(Assert.Single(events.OfType<EvidenceReviewed>()).WhyNone);
        var calibration = Assert.Single(events.OfType<WinCalibrationFitted>());
        Assert.Equal((1, 800, deals.Count(d => d.Won)), (calibration.IcpVersion, calibration.Deals, calibration.Won));
        Assert.Equal(["A", "B", "C", "D", "disqualified"], calibration.Tiers.Select(t => t.Tier));
        Assert.Equal(800, calibration.Tiers.Sum(t => t.Deals));
        // Isotonic: the probability never falls as the score rises.
        Assert.True(calibration.Steps.Zip(calibration.Steps.Skip(1)).All(p => p.First.Probability <= p.Second.Probability));

        var after = Given([.. events]);
        Assert.Empty(RefinementDecider.Decide(Review(deals), after, Now.AddMinutes(1)));
    }

    [Fact]
    public void A_new_version_withdraws_the_pending_proposal_of_the_old_one_and_refits_the_calibration_for_itself()
    {
        var deals = Deals(SyntheticMarket.Draw(800, seed: 21));
        var first = RefinementDecider.Decide(Review(deals), IcpRefinement.Empty(IcpId), Now);
        var pending = first.OfType<ProposalMade>().Single();

        var events = RefinementDecider.Decide(Review(deals, version: 2), Given([.. first]), Now.AddHours(1));

        var withdrawn = Assert.Single(events.OfType<ProposalRejected>());
        Assert.Equal((pending.ProposalId, RefinementDecider.RefinementActor), (withdrawn.ProposalId, withdrawn.By));
        Assert.Contains("version 2", withdrawn.Reason);
        Assert.Equal(2, Assert.Single(events.OfType<WinCalibrationFitted>()).IcpVersion);
        Assert.Equal(2, Assert.Single(events.OfType<EvidenceReviewed>()).IcpVersion);
    }

    [Fact]
    public void Accepting_publishes_only_a_pending_proposal_and_answers_an_accepted_one_with_its_version()
    {
        var (pending, accepted, rejected) = (Guid.NewGuid(), Guid.NewGuid(), Guid.NewGuid());
        var state = Given(Made(pending), Made(accepted), Made(rejected),
            new ProposalAccepted(IcpId, accepted, 2, "carol", Now), new ProposalRejected(IcpId, rejected, "dave", "not now", Now));

        Assert.Equal(pending, Assert.IsType<AcceptDecision.Publish>(
            RefinementDecider.Decide(new AcceptProposal(IcpId, pending, "erin"), state)).Proposal.ProposalId);
        Assert.Equal(2, Assert.IsType<AcceptDecision.AlreadyPublished>(
            RefinementDecider.Decide(new AcceptProposal(IcpId, accepted, "erin"), state)).Version);
        Assert.Contains("rejected by dave: not now", Assert.IsType<AcceptDecision.Refused>(
            RefinementDecider.Decide(new AcceptProposal(IcpId, rejected, "erin"), state)).Reason);
        Assert.IsType<AcceptDecision.NotFound>(RefinementDecider.Decide(new AcceptProposal(IcpId, Guid.NewGuid(), "erin"), state));
        Assert.IsType<AcceptDecision.NotFound>(RefinementDecider.Decide(new AcceptProposal(IcpId, pending, "erin"), null));

        Assert.Equal(new object[] { new ProposalAccepted(IcpId, pending, 3, "erin", Now) },
            RefinementDecider.Decide(new RecordAcceptance(IcpId, pending, 3, "erin"), state, Now));
        // A second answer of the ICP service (a retry) records nothing more.
        Assert.Empty(RefinementDecider.Decide(new RecordAcceptance(IcpId, accepted, 2, "erin"), state, Now));
    }

    [Fact]
    public void Rejecting_records_only_a_pending_proposal_with_who_and_why()
    {
        var (pending, accepted) = (Guid.NewGuid(), Guid.NewGuid());
        var state = Given(Made(pending), Made(accepted), new ProposalAccepted(IcpId, accepted, 2, "carol", Now));

        Assert.Equal(new object[] { new ProposalRejected(IcpId, pending, "dave", "not now", Now) },
            RefinementDecider.Decide(new RejectProposal(IcpId, pending, "dave", "not now"), state, Now));
        Assert.Empty(RefinementDecider.Decide(new RejectProposal(IcpId, accepted, "dave", null), state, Now));
        Assert.Empty(RefinementDecider.Decide(new RejectProposal(IcpId, Guid.NewGuid(), "dave", null), state, Now));
    }

    [Fact]
    public void Changing_settings_records_the_new_ones_and_the_same_ones_again_record_nothing()
    {
        var auto = new RefinementSettings(RefinementModes.Auto, 50, 60, 5);

        var events = RefinementDecider.Decide(new ChangeRefinementSettings(IcpId, auto, "erin"), IcpRefinement.Empty(IcpId), Now);

        Assert.Equal(new object[] { new RefinementSettingsChanged(IcpId, "auto", 50, 60, 5, "erin", Now) }, events);
        Assert.Equal(auto, Given([.. events]).Settings);
        Assert.Empty(RefinementDecider.Decide(new ChangeRefinementSettings(IcpId, auto, "erin"), Given([.. events]), Now));
        Assert.Empty(RefinementDecider.Decide(new ChangeRefinementSettings(IcpId, RefinementSettings.Default, "erin"),
            IcpRefinement.Empty(IcpId), Now));
    }

    [Fact]
    public void New_settings_change_the_basis_so_the_same_deals_are_reviewed_again()
    {
        var deals = Deals(SyntheticMarket.Draw(300, seed: 3));
        var reviewed = Given([.. RefinementDecider.Decide(Review(deals), IcpRefinement.Empty(IcpId), Now)]);
        Assert.Empty(RefinementDecider.Decide(Review(deals), reviewed, Now));

        var stricter = reviewed.Apply(new RefinementSettingsChanged(IcpId, "manual", 60, 60, 5, "erin", Now));

        var again = RefinementDecider.Decide(Review(deals), stricter, Now);
        Assert.EndsWith("60/60/5", Assert.Single(again.OfType<EvidenceReviewed>()).Basis);
        Assert.Empty(again.OfType<WinCalibrationFitted>()); // the calibration rests on the version and the deals only
    }

    [Fact]
    public void The_known_icp_view_takes_only_a_newer_version()
    {
        var definition = JsonSerializer.SerializeToElement(Stated, ModelJson.Options);
        Contracts.IcpVersionPublished Published(int version) => new(Tenant, IcpId, version, definition, "alice", null, Now.AddHours(version));

        var first = KnownIcp.Decide(Published(1), null);
        Assert.Equal(new KnownIcp(IcpId, 1, definition, Now.AddHours(1)), first);
        Assert.Null(KnownIcp.Decide(Published(1), first)); // a redelivery
        var second = KnownIcp.Decide(Published(2), first);
        Assert.Equal(2, second!.Version);
        Assert.Null(KnownIcp.Decide(Published(1), second)); // late, out of order
    }
}
