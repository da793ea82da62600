using System.Text.Json;
using GrowthKit.Model;

namespace GrowthKit.Model.Tests.Refinement;

public sealed class RefinerTests
{
    [Fact]
    public void Proposes_nothing_before_forty_won_and_forty_lost_deals()
    {
        var deals = SyntheticMarket.Deals(400, seed: 7);
        var fewWins = deals.Where(d => !d.Won).Concat(deals.Where(d => d.Won).Take(39)).ToList();

        var attempt = Refiner.Propose(SyntheticMarket.Stated(), fewWins, RefinementRules.Default);

        Assert.Null(attempt.Proposal);
        Assert.Contains("at least 40 won and 40 lost", attempt.WhyNot);
        Assert.Contains("39 won", attempt.WhyNot);
    }

    [Fact]
    public void Settings_cannot_lower_the_evidence_floor_but_can_raise_it()
    {
        Assert.False(new RefinementRules(MinWon: 5, MinLost: 5).HasEnoughEvidence(39, 100));
        Assert.True(new RefinementRules(MinWon: 5, MinLost: 5).HasEnoughEvidence(40, 40));
        Assert.False(new RefinementRules(MinWon: 100, MinLost: 40).HasEnoughEvidence(99, 400));
    }

    [Fact]
    public void A_proposal_for_a_partly_wrong_icp_raises_the_holdout_auc_and_names_what_changes()
    {
        var deals = SyntheticMarket.Deals(1200, seed: 11);

        var attempt = Refiner.Propose(SyntheticMarket.Stated(), deals, new RefinementRules(MaxWeightChange: 40));

        var proposal = Assert.IsType<RefinementProposal>(attempt.Proposal);
        Assert.True(proposal.ExpectedAuc >= proposal.CurrentAuc + 0.05,
            $"holdout AUC {proposal.CurrentAuc} → {proposal.ExpectedAuc}: {DefinitionChanges.Describe(proposal.Changes)}");
        Assert.Equal(360, proposal.Evidence.HoldoutDeals);
        Assert.Equal(840, proposal.Evidence.TrainingDeals);

        // Manufacturing wins and gains weight; Transportation does not and loses it; rapid hiring becomes a criterion.
        var described = DefinitionChanges.Describe(proposal.Changes);
        var industries = proposal.Definition.Criteria!.Where(c => c.Field == "company.industry")
            .SelectMany(c => c.Values!.Select(v => (Value: v.GetString(), c.Weight))).ToList();
        Assert.True(industries.Any(x => x is { Value: "Manufacturing", Weight: > 0 }), described);
        Assert.False(industries.Any(x => x is { Value: "Transportation and Warehousing", Weight: > 0 }), described);
        Assert.Contains(proposal.Definition.Criteria!, c => c.Field == "signals" && c.Values!.Any(v => v.GetString() == "rapid_hiring") && c.Weight > 0);
        Assert.Contains(proposal.Changes, c => c.Field == "company.industry"
                                               && (c.Values ?? c.Criterion?.Values ?? []).Any(v => v.GetString() == "Manufacturing"));
        Assert.Contains(proposal.Changes, c => c.Kind == DefinitionChanges.RemoveValues && c.Key == "industry");
        Assert.True(IcpDefinitionValidation.Validate(proposal.Definition).IsValid);
        // The evidence behind it: the values it moves, with their figures over every closed deal.
        Assert.Contains(proposal.Evidence.Values, v => v is { Field: "company.industry", Value: "Manufacturing" } && v.Lift > 1);
        Assert.Contains("Manufacturing", proposal.Reason(Guid.Empty));
    }

    [Fact]
    public void A_criterion_the_deals_say_nothing_about_stays_as_it_is()
    {
        // No lead of the market names a pain point: the deals neither confirm nor refute the criterion.
        var stated = SyntheticMarket.Stated();
        var pain = new Criterion("pain", "painPoints", Operators.AnyOf, [Json("manual_dispatch")], null, null, null, 10);
        stated = stated with { Criteria = [.. stated.Criteria!, pain] };

        var proposal = Refiner.Propose(stated, SyntheticMarket.Deals(1200, seed: 11), new RefinementRules(MaxWeightChange: 40)).Proposal!;

        Assert.Contains(proposal.Definition.Criteria!, c => c.Key == "pain" && c.Weight == 10
                                                            && c.Values!.Single().GetString() == "manual_dispatch");
        Assert.DoesNotContain(proposal.Changes, c => c.Key == "pain");
    }

    [Fact]
    public void The_refined_icp_comes_close_to_the_hidden_truth_on_fresh_deals()
    {
        var deals = SyntheticMarket.Deals(2000, seed: 3);
        var fresh = SyntheticMarket.Deals(3000, seed: 99);
        var proposal = Refiner.Propose(SyntheticMarket.Stated(), deals, new RefinementRules(MaxWeightChange: 100)).Proposal!;

        var stated = Refiner.HoldoutAuc(SyntheticMarket.Stated(), fresh);
        var refined = Refiner.HoldoutAuc(proposal.Definition, fresh);
        var truth = RankStatistics.Auc([.. fresh.Select(d => ((decimal)TruthOf(d.Lead), d.Won))])!.Value;

        Assert.True(refined > stated + 0.05, $"stated {stated:0.000}, refined {refined:0.000}");
        Assert.True(refined > truth - 0.03, $"refined {refined:0.000}, truth {truth:0.000}");
    }

    [Fact]
    public void Guardrails_cap_how_far_one_version_moves_each_weight()
    {
        var current = SyntheticMarket.Stated();
        var target = current with
        {
            Criteria =
            [
                current.Criteria![0] with { Weight = 5 },                                     // industry 30 → 5: only to 10
                current.Criteria[1] with { Weight = 40 },                                    // size 25 → 40: within 20, fully
                current.Criteria[4] with { Weight = 12 },                                    // sales-led −10 → 12: only to 10
                new Criterion("hiring", "signals", "anyOf", [Json("rapid_hiring")], null, null, null, 45), // new: enters at 20
                // region (20) dropped: within the cap, so dropped; trigger (15) dropped too
            ],
        };

        var capped = Guardrails.Cap(current, target, maxWeightChange: 20);

        Assert.Equal(
            ["industry 10", "size 40", "sales-led 10", "hiring 20"],
            capped.Criteria!.Select(c => $"{c.Key} {c.Weight}"));

        var heavier = Guardrails.Cap(current, target with { Criteria = [.. target.Criteria!.Skip(1)] }, maxWeightChange: 10);
        // Dropped criteria heavier than the cap only lose 10; sales-led reaches 0 and goes; the new criterion enters at 10.
        Assert.Equal(["industry 20", "size 35", "region 10", "trigger 5", "hiring 10"],
            heavier.Criteria!.Select(c => $"{c.Key} {c.Weight}"));
    }

    [Fact]
    public void A_capped_proposal_moves_no_weight_further_than_the_cap()
    {
        var deals = SyntheticMarket.Deals(1200, seed: 11);
        var current = SyntheticMarket.Stated();

        var proposal = Refiner.Propose(current, deals, new RefinementRules(MaxWeightChange: 5)).Proposal;

        Assert.NotNull(proposal);
        foreach (var change in proposal.Changes)
        {
            var from = change.WeightFrom ?? 0;
            var to = change.Kind == DefinitionChanges.RemoveCriterion ? 0 : change.WeightTo ?? from;
            Assert.True(Math.Abs(to - from) <= 5, DefinitionChanges.Describe(change));
        }
    }

    [Fact]
    public void Changes_name_values_weights_and_ranges_that_moved()
    {
        var current = SyntheticMarket.Stated();
        var next = current with
        {
            Criteria =
            [
                current.Criteria![0] with { Values = [Json("Wholesale Trade"), Json("Manufacturing")] },
                current.Criteria[1] with { Min = 51, Weight = 20 },
                current.Criteria[2],
                current.Criteria[4],
                new Criterion("signal", "signals", "anyOf", [Json("rapid_hiring")], null, null, null, 15),
            ],
        };

        var changes = DefinitionChanges.Between(current, next);

        Assert.Equal(
            ["addValues industry Manufacturing", "removeValues industry Transportation and Warehousing",
             "changeRange size ", "changeWeight size ", "removeCriterion trigger ", "addCriterion signal rapid_hiring"],
            changes.Select(c => $"{c.Kind} {c.Key} {string.Join(",", (c.Values ?? []).Select(v => v.GetString()))}"));
        Assert.Equal("size weight 25 → 20", DefinitionChanges.Describe(changes[3]));
        Assert.Equal("size range 50–500 → 51–500", DefinitionChanges.Describe(changes[2]));
    }

    private static JsonElement Json(string s) => JsonSerializer.SerializeToElement(s);

    private static double TruthOf(JsonElement lead)
    {
        var company = lead.GetProperty("company");
        return SyntheticMarket.Logit(company.GetProperty("industry").GetString()!, company.GetProperty("country").GetString()!,
            company.GetProperty("employeeCount").GetInt32(),
            [.. lead.GetProperty("signals").EnumerateArray().Select(s => s.GetString()!)],
            lead.GetProperty("contact").GetProperty("department").GetString()!);
    }
}
