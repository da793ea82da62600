using System.Text.Json;
using GrowthKit.Model;

namespace GrowthKit.Model.Tests.Refinement;

public class ProposalKindsTests
{
    private static readonly RefinementRules Generous = new(MaxWeightChange: 40);

    private static string Department(JsonElement lead) => lead.GetProperty("contact").GetProperty("department").GetString()!;
    private static int Employees(JsonElement lead) => lead.GetProperty("company").GetProperty("employeeCount").GetInt32();

    [Fact]
    public void A_value_that_almost_never_wins_becomes_a_disqualifier_with_its_evidence_in_words()
    {
        var deals = SyntheticMarket.Deals(1500, seed: 21, (lead, logit) => Department(lead) == "finance" ? -8 : logit);

        var proposal = Refiner.Propose(SyntheticMarket.Stated(), deals, Generous).Proposal!;

        var added = Assert.Single(proposal.Changes, c => c.Kind == DefinitionChanges.AddDisqualifier);
        Assert.Equal("contact.department", added.Field);
        Assert.Equal("finance", added.Values!.Single().GetString());
        Assert.Contains(proposal.Definition.Disqualifiers!, d => d.Key == added.Key);
        var evidence = Assert.Single(proposal.Evidence.Changes!, e => e.Kind == DefinitionChanges.AddDisqualifier);
        Assert.InRange(evidence.Won, 0, 2);
        Assert.True(evidence.Deals >= 300, $"{evidence.Deals} deals");
        Assert.True(evidence.High < 0.02, evidence.Text);
        Assert.Contains("won of", evidence.Text);
        Assert.Contains("interval", evidence.Text);
        Assert.Contains("lift", evidence.Text);
        Assert.True(IcpDefinitionValidation.Validate(proposal.Definition).IsValid);
    }

    [Fact]
    public void A_value_that_merely_loses_more_often_is_no_disqualifier()
    {
        // Sales contacts lose more often (−0.8 log-odds) but still win: a negative weight, not a disqualifier.
        var deals = SyntheticMarket.Deals(1500, seed: 22);

        var proposal = Refiner.Propose(SyntheticMarket.Stated(), deals, Generous).Proposal!;

        Assert.DoesNotContain(proposal.Changes, c => c.Kind == DefinitionChanges.AddDisqualifier);
    }

    [Fact]
    public void Too_few_deals_never_make_a_disqualifier_however_badly_they_went()
    {
        var deals = SyntheticMarket.Deals(1500, seed: 23, (lead, logit) => Department(lead) == "finance" ? -8 : logit);
        var fewFinance = deals.Where(d => Department(d.Lead) != "finance").Concat(deals.Where(d => Department(d.Lead) == "finance").Take(20)).ToList();

        var refined = Disqualifiers.Refine(SyntheticMarket.Stated(), fewFinance, RefinerSettings.Default);

        Assert.Empty(refined.Disqualifiers ?? []);
    }

    [Fact]
    public void A_disqualifier_whose_deals_win_as_often_as_the_rest_is_removed_and_not_added_back()
    {
        var stated = SyntheticMarket.Stated() with
        {
            Disqualifiers = [new Disqualifier("no-us", "company.country", Operators.In, [Json("US")], null, null, null, "We do not sell there")],
        };
        var deals = SyntheticMarket.Deals(1500, seed: 24);

        var proposal = Refiner.Propose(stated, deals, Generous).Proposal!;

        Assert.Contains(proposal.Changes, c => c is { Kind: DefinitionChanges.RemoveDisqualifier, Key: "no-us" });
        Assert.DoesNotContain(proposal.Definition.Disqualifiers ?? [], d => d.Key == "no-us");
        Assert.Empty(Disqualifiers.Refine(proposal.Definition, deals, RefinerSettings.Default).Disqualifiers ?? []);
    }

    [Fact]
    public void A_numeric_range_moves_to_where_the_deals_win()
    {
        // In truth 1,000–5,000 employees win, not the stated 50–500.
        var deals = SyntheticMarket.Deals(2500, seed: 25, (lead, logit) =>
            logit - (Employees(lead) is >= 51 and <= 500 ? 0.8 : 0) + (Employees(lead) is >= 1000 and <= 5000 ? 1.6 : 0));

        var proposal = Refiner.Propose(SyntheticMarket.Stated(), deals, Generous).Proposal!;

        decimal SizeWeight(int employees) => proposal.Definition.Criteria!.Where(c => c.Field == "company.employeeCount"
            && ConditionMatcher.Matches(c, JsonSerializer.SerializeToElement(employees))).Sum(c => c.Weight ?? 0);
        var described = DefinitionChanges.Describe(proposal.Changes);
        Assert.True(SizeWeight(1200) > SizeWeight(200), described);
        Assert.True(SizeWeight(3000) > SizeWeight(200), described);
        Assert.True(SizeWeight(3000) > SizeWeight(20), described);
        Assert.Contains(proposal.Changes, c => c.Field == "company.employeeCount" && c.Kind is DefinitionChanges.ChangeRange or DefinitionChanges.AddCriterion);
        // The stated range is no longer rewarded as it was.
        Assert.DoesNotContain(proposal.Definition.Criteria!, c => c.Key == "size" && c.Min == 50 && c.Max == 500 && c.Weight >= 25);
    }

    [Fact]
    public void Learned_cut_points_are_round_numbers_and_each_range_holds_enough_deals()
    {
        var values = Enumerable.Range(1, 1000).Select(i => (decimal)Math.Round(Math.Exp(i / 1000.0 * Math.Log(20_000)))).ToList();

        var bins = NumericCuts.Learn(values, 8, minSupport: 60);

        Assert.InRange(bins.Count, 2, 8);
        Assert.Null(bins[0].Min);
        Assert.Null(bins[^1].Max);
        foreach (var bin in bins) Assert.True(values.Count(bin.Contains) >= 60, bin.Label);
        foreach (var bin in bins.Skip(1)) Assert.Equal(bin.Min, NumericCuts.Nice(bin.Min!.Value));
        Assert.Equal(120m, NumericCuts.Nice(117));
        Assert.Equal(23_000_000m, NumericCuts.Nice(23_456_000));
    }

    [Fact]
    public void Tiers_are_recut_when_their_win_rates_do_not_fall_and_left_alone_once_they_do()
    {
        var deals = SyntheticMarket.Deals(1500, seed: 26);
        var truth = SyntheticMarket.Stated();
        var refined = Refiner.Propose(truth, deals, Generous).Proposal!.Definition with { Tiers = new Tiers(99, 98, 97) };

        var recut = TierCuts.Refine(refined, deals);

        Assert.NotEqual(refined.Tiers, recut.Tiers);
        var scored = deals.Select(d => (IcpScorer.Score(d.Lead, recut).Score, d.Won)).ToList();
        Assert.True(TierCuts.Falls(recut.Tiers!, scored));
        Assert.Same(recut, TierCuts.Refine(recut, deals));
        var change = Assert.Single(DefinitionChanges.Between(refined, recut));
        Assert.Equal(DefinitionChanges.ChangeTiers, change.Kind);
        Assert.StartsWith("tiers A/B/C 99/98/97 → ", DefinitionChanges.Describe(change));
        var evidence = Assert.Single(ChangeEvidence.Of([change], recut, deals));
        Assert.Contains("A: ", evidence.Text);
        Assert.Contains("D: ", evidence.Text);
    }

    [Fact]
    public void Rounds_converge_without_oscillating()
    {
        var deals = SyntheticMarket.Deals(1500, seed: 27, (lead, logit) => Department(lead) == "finance" ? -8 : logit);

        var rounds = Refiner.Converge(SyntheticMarket.Stated(), deals, new RefinementRules(MaxWeightChange: 10), RefinerSettings.Default, maxRounds: 30);

        Assert.InRange(rounds.Count, 1, 29);
        Assert.Null(Refiner.Propose(rounds[^1].Definition, deals, new RefinementRules(MaxWeightChange: 10)).Proposal);
        var definitions = rounds.Select(r => CanonicalJson.Of(r.Definition)).ToList();
        Assert.Equal(definitions.Count, definitions.Distinct().Count());
        // No disqualifier comes and goes.
        var removed = rounds.SelectMany(r => r.Changes).Where(c => c.Kind == DefinitionChanges.RemoveDisqualifier).Select(c => c.Key).ToHashSet();
        Assert.DoesNotContain(rounds.SelectMany(r => r.Changes), c => c.Kind == DefinitionChanges.AddDisqualifier && removed.Contains(c.Key));
    }

    [Fact]
    public void A_proposal_within_the_noise_is_not_made()
    {
        // An ICP fitted once already: a second look at the same deals finds nothing outside the noise.
        var deals = SyntheticMarket.Deals(1200, seed: 28);
        var fitted = Refiner.Converge(SyntheticMarket.Stated(), deals, new RefinementRules(MaxWeightChange: 100), RefinerSettings.Default)[^1].Definition;

        var again = Refiner.Propose(fitted, deals, new RefinementRules(MaxWeightChange: 100));

        Assert.Null(again.Proposal);
        Assert.NotNull(again.WhyNot);
    }

    [Fact]
    public void The_paired_bootstrap_is_reproducible_and_finds_no_gain_between_equal_rankings()
    {
        var random = new Random(5);
        var won = Enumerable.Range(0, 300).Select(_ => random.NextDouble() < 0.3).ToList();
        var noisy = won.Select(w => (w ? 0.6 : 0.4) + random.NextDouble()).ToList();
        var sharp = won.Select(w => (w ? 1.0 : 0.0) + random.NextDouble()).ToList();

        var same = Intervals.PairedAucGain(noisy, noisy, won, 200);
        var better = Intervals.PairedAucGain(noisy, sharp, won, 200);

        Assert.Equal(0, same.Gain);
        Assert.Equal(1, same.ShareNotBetter);
        Assert.True(better.Gain > 0.1 && better.ShareNotBetter == 0 && better.Low > 0, $"{better}");
        Assert.Equal(better, Intervals.PairedAucGain(noisy, sharp, won, 200));
    }

    [Fact]
    public void The_wilson_interval_is_sound_at_zero_and_narrows_with_more_deals()
    {
        var (low, high) = Intervals.Wilson(0, 100);
        Assert.Equal(0, low);
        Assert.InRange(high, 0.036, 0.038);
        var wide = Intervals.Wilson(3, 10);
        var narrow = Intervals.Wilson(300, 1000);
        Assert.True(wide.High - wide.Low > narrow.High - narrow.Low);
        Assert.InRange(0.3, narrow.Low, narrow.High);
    }

    private static JsonElement Json(string s) => JsonSerializer.SerializeToElement(s);
}
