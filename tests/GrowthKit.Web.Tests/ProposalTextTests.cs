using System.Text.Json;
using GrowthKit.Web.Api;
using GrowthKit.Web.Components;

namespace GrowthKit.Web.Tests;

/// <summary>How the refinement page words each kind of change and a tier's chance of winning (no browser needed).</summary>
public sealed class ProposalTextTests
{
    private static DefinitionChange Change(string kind, string key, Action<DefinitionChange> set)
    {
        var change = new DefinitionChange { Kind = kind, Key = key };
        set(change);
        return change;
    }

    private static readonly Disqualifier Finance = new()
    {
        Key = "finance", Field = "contact.department", Operator = "in", Values = [JsonSerializer.SerializeToElement("finance")],
        Reason = "finance buyers never sign",
    };

    [Fact]
    public void An_added_disqualifier_names_its_condition_and_reason_and_counts_as_added()
    {
        var change = Change("addDisqualifier", "finance", c => c.Disqualifier = Finance);

        Assert.Equal("Disqualify finance: Contact's department is one of finance (finance buyers never sign)", ProposalText.Change(change));
        Assert.Equal("added", ProposalText.ChangeClass(change));
    }

    [Fact]
    public void A_removed_disqualifier_says_it_no_longer_rules_leads_out_and_counts_as_removed()
    {
        var change = Change("removeDisqualifier", "finance", c => c.Disqualifier = Finance);

        Assert.Equal("No longer disqualify finance: Contact's department is one of finance", ProposalText.Change(change));
        Assert.Equal("removed", ProposalText.ChangeClass(change));
    }

    [Fact]
    public void A_tier_recut_shows_the_thresholds_before_and_after_with_the_defaults_where_none_were_set()
    {
        var change = Change("changeTiers", "tiers", c => c.TiersTo = new Tiers { A = 68.5m, B = 41, C = 20 });

        Assert.Equal("Tier thresholds: A ≥ 75, B ≥ 50, C ≥ 25 → A ≥ 68.5, B ≥ 41, C ≥ 20", ProposalText.Change(change));
        Assert.Equal("changed", ProposalText.ChangeClass(change));
    }

    [Fact]
    public void A_moved_numeric_range_shows_both_ranges_and_an_open_end_as_any()
    {
        var change = Change("changeRange", "size", c =>
        {
            c.RangeFrom = new ValueRange { Min = 50, Max = 500 };
            c.RangeTo = new ValueRange { Min = 120 };
        });

        Assert.Equal("Range of size: 50 – 500 → 120 – any", ProposalText.Change(change));
    }

    [Fact]
    public void A_tier_reads_as_its_win_rate_with_the_interval_beside_its_calibrated_chance_and_an_empty_tier_as_a_dash()
    {
        var a = new TierProbability { Tier = "A", Deals = 48, Won = 15, Probability = 0.3521m, Low = 0.2m, High = 0.459m };
        Assert.Equal("31.3 % (20 %–45.9 %)", ProposalText.WinRate(a)); // 15 of 48 = 31.25 %
        Assert.Equal("35.2 %", ProposalText.Chance(a));
        var empty = new TierProbability { Tier = "disqualified", Deals = 0, Won = 0, Probability = null, Low = 0, High = 1 };
        Assert.Equal(("—", "—"), (ProposalText.WinRate(empty), ProposalText.Chance(empty)));
    }
}
