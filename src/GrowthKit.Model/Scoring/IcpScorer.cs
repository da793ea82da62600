using System.Text.Json;

namespace GrowthKit.Model;

/// <summary>The scoring function: a normalised lead against a published definition, in decimal arithmetic only.</summary>
public static class IcpScorer
{
    public static ScoreResult Score(JsonElement normalisedLead, IcpDefinition publishedDefinition)
    {
        ArgumentNullException.ThrowIfNull(publishedDefinition);

        var breakdown = (publishedDefinition.Criteria ?? []).Select(criterion => Evaluate(normalisedLead, criterion)).ToList();

        // The first matching disqualifier in declaration order is the one named.
        var disqualifier = (publishedDefinition.Disqualifiers ?? [])
            .FirstOrDefault(d => ConditionMatcher.Matches(d, LeadPath.Resolve(normalisedLead, d.Field)));
        if (disqualifier is not null)
            return new ScoreResult(0m, TierNames.Disqualified, breakdown, new DisqualifiedBy(disqualifier.Key ?? "", disqualifier.Reason ?? ""));

        var score = Points(breakdown);
        return new ScoreResult(score, Tier(score, publishedDefinition.Tiers ?? Tiers.Default), breakdown, null);
    }

    private static CriterionResult Evaluate(JsonElement lead, Criterion criterion)
    {
        var actual = LeadPath.Resolve(lead, criterion.Field);
        var matched = ConditionMatcher.Matches(criterion, actual);
        var weight = criterion.Weight ?? 0m;
        // Cloned so the result outlives the caller's JsonDocument.
        return new CriterionResult(criterion.Key ?? "", matched, weight, matched ? weight : 0m, actual?.Clone());
    }

    // score = round(100 × (matched signed weights + N) / (P + N), 1), midpoint away from zero:
    // a lead matching no positive and every negative criterion scores 0, the reverse 100.
    private static decimal Points(IReadOnlyList<CriterionResult> breakdown)
    {
        var positive = breakdown.Where(r => r.Weight > 0).Sum(r => r.Weight);
        var negative = breakdown.Where(r => r.Weight < 0).Sum(r => -r.Weight);
        if (positive + negative == 0)
            return 0m;
        var matched = breakdown.Sum(r => r.Contribution);
        // Multiplying before dividing keeps exact quotients (6.25) exact, so midpoints round as they should.
        return Math.Round(100m * (matched + negative) / (positive + negative), 1, MidpointRounding.AwayFromZero);
    }

    private static string Tier(decimal score, Tiers tiers) =>
        score >= tiers.EffectiveA ? TierNames.A
        : score >= tiers.EffectiveB ? TierNames.B
        : score >= tiers.EffectiveC ? TierNames.C
        : TierNames.D;
}
