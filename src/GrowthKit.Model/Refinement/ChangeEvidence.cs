using System.Globalization;
using System.Text.Json.Serialization;

namespace GrowthKit.Model;

/// <summary>
/// What one change rests on, in figures and in a sentence a sales lead reads: the deals the change is
/// about, how many were won, their win rate with its 95 % interval, the win rate of the other deals,
/// and the lift (their win rate over the base rate).
/// </summary>
public sealed record ChangeEvidence(
    string Kind,
    string Key,
    int Deals,
    int Won,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? WinRate,
    double Low,
    double High,
    int DealsWithout,
    int WonWithout,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? WinRateWithout,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] double? Lift,
    string Text)
{
    /// <summary>The evidence of each change over <paramref name="deals"/>; a tier recut is told tier by tier under <paramref name="after"/>.</summary>
    public static IReadOnlyList<ChangeEvidence> Of(IReadOnlyList<DefinitionChange> changes, IcpDefinition after, IReadOnlyList<ClosedDeal> deals)
    {
        var list = new List<ChangeEvidence>();
        var totalWon = deals.Count(d => d.Won);
        foreach (var change in changes)
        {
            if (change.Kind == DefinitionChanges.ChangeTiers)
            {
                var scored = deals.Select(d => (IcpScorer.Score(d.Lead, after).Tier, d.Won)).ToList();
                var parts = new List<string>();
                foreach (var tier in new[] { TierNames.A, TierNames.B, TierNames.C, TierNames.D })
                {
                    var inTier = scored.Where(s => s.Tier == tier).ToList();
                    var won = inTier.Count(s => s.Won);
                    var (low, high) = Intervals.Wilson(won, inTier.Count);
                    parts.Add(inTier.Count == 0 ? $"{tier}: no deals"
                        : $"{tier}: {won} won of {inTier.Count} ({Disqualifiers.Percent((double)won / inTier.Count)}, {Disqualifiers.Percent(low)}–{Disqualifiers.Percent(high)})");
                }
                list.Add(new ChangeEvidence(change.Kind, change.Key, deals.Count, totalWon, Rate(totalWon, deals.Count), 0, 1, 0, 0, null, null,
                    $"{DefinitionChanges.Describe(change)}: win rates then fall from A to D — {string.Join("; ", parts)}."));
                continue;
            }
            ICondition? condition = change.Kind switch
            {
                DefinitionChanges.AddDisqualifier or DefinitionChanges.RemoveDisqualifier => change.Disqualifier,
                DefinitionChanges.AddValues or DefinitionChanges.RemoveValues =>
                    new Criterion(change.Key, change.Field, Operators.AnyOf, change.Values, null, null, null, null),
                DefinitionChanges.RemoveCriterion => null,
                _ => change.Criterion ?? (after.Criteria ?? []).FirstOrDefault(c => string.Equals(c.Key, change.Key, StringComparison.OrdinalIgnoreCase)),
            };
            if (condition is null || condition.Field is null) continue;
            var matched = deals.Where(d => ConditionMatcher.Matches(condition, LeadPath.Resolve(d.Lead, condition.Field))).ToList();
            list.Add(Figures(change, matched.Count, matched.Count(d => d.Won), deals.Count, totalWon));
        }
        return list;
    }

    private static ChangeEvidence Figures(DefinitionChange change, int deals, int won, int total, int totalWon)
    {
        var (low, high) = Intervals.Wilson(won, deals);
        var rate = Rate(won, deals);
        var without = Rate(totalWon - won, total - deals);
        var lift = rate is { } r && total > 0 && totalWon > 0 ? Math.Round(r / ((double)totalWon / total), 2) : (double?)null;
        var text = deals == 0
            ? $"{DefinitionChanges.Describe(change)}: no closed deal has it yet."
            : string.Create(CultureInfo.InvariantCulture,
                $"{DefinitionChanges.Describe(change)}: {won} won of {deals} deals ({Disqualifiers.Percent(rate!.Value)}, 95 % interval "
                + $"{Disqualifiers.Percent(low)}–{Disqualifiers.Percent(high)}) against {Disqualifiers.Percent(without ?? 0)} of the other {total - deals}; lift {lift:0.00}.");
        return new ChangeEvidence(change.Kind, change.Key, deals, won, rate, Math.Round(low, 4), Math.Round(high, 4),
            total - deals, totalWon - won, without, lift, text);
    }

    private static double? Rate(int won, int deals) => deals == 0 ? null : Math.Round((double)won / deals, 4);
}
