using System.Globalization;

namespace GrowthKit.Model;

/// <summary>
/// Derives an ICP in reverse: from the best existing customers (and, optionally, other customers to
/// contrast them with) to a proposed draft of the few traits that set the best ones apart.
/// </summary>
public static class IcpDerivation
{
    /// <summary>A trait shared by fewer of the best customers than this is rare and left out…</summary>
    public const decimal MinShareOfBest = 0.5m;

    /// <summary>…and so is one not at least this much more common among them than in the baseline.</summary>
    public const decimal MinLift = 0.15m;

    public const int MinTraits = 4;
    public const int MaxTraits = 6;

    /// <summary>
    /// Proposes a draft whose criteria are the traits the best customers share (at least half of them)
    /// clearly more often than the baseline does (by at least 15 points): the others when given (an
    /// empty list counts as none), otherwise taxonomy base rates. The four to six traits with the
    /// highest lift are kept — fewer when fewer qualify, never padded — weighted in proportion to lift
    /// (whole numbers summing to 100). The result is the same for the same customers in any order.
    /// </summary>
    /// <exception cref="ArgumentException">No best customers were given.</exception>
    public static DerivedIcp Derive(IReadOnlyList<Lead> best, IReadOnlyList<Lead>? others)
    {
        ArgumentNullException.ThrowIfNull(best);
        if (best.Count == 0)
            throw new ArgumentException("At least one best customer is needed.", nameof(best));

        var bestSet = new CustomerSet(best);
        var baseline = others is { Count: > 0 } ? new CustomerSet(others) : null;

        // Of the candidates for one key (the countries, or a region), the one that qualifies and has the
        // highest lift; candidates come in field order, so ties keep the earlier.
        var chosen = TraitCandidates.For(bestSet)
            .Select(candidate => Measure(candidate, bestSet, baseline))
            .GroupBy(trait => trait.Candidate.Key, StringComparer.Ordinal)
            .Select(alternatives => alternatives
                .OrderByDescending(trait => trait.Qualifies)
                .ThenByDescending(trait => trait.Lift)
                .First())
            .Where(trait => trait.Qualifies)
            .OrderByDescending(trait => trait.Lift)
            .ThenBy(trait => trait.Candidate.Order)
            .ThenBy(trait => trait.Candidate.Values?.FirstOrDefault() ?? "", StringComparer.Ordinal)
            .Take(MaxTraits)
            .ToList();

        var weights = Weights(chosen.Select(trait => trait.Lift).ToList());
        var shortfall = chosen.Count < MinTraits
            ? $" Only {chosen.Count} trait{(chosen.Count == 1 ? "" : "s")} qualified (shared by at least half of the best customers and at least "
              + $"15 points more common than in the baseline), so fewer than {MinTraits} are proposed rather than weak ones."
            : "";

        var definition = new IcpDefinition(
            $"Derived from {bestSet.Count} best customers",
            baseline is null
                ? $"Proposed from {bestSet.Count} best customers, compared with taxonomy base rates."
                : $"Proposed from {bestSet.Count} best customers, compared with {baseline.Count} other customers.",
            [.. chosen.Select((trait, i) => trait.Candidate.ToCriterion(weights[i]))],
            [],
            [],
            new Tiers(Tiers.DefaultA, Tiers.DefaultB, Tiers.DefaultC));
        var evidence = chosen.Select(trait => trait.ToEvidence(bestSet.Count, baseline?.Count, shortfall)).ToList();
        return new DerivedIcp(definition, evidence);
    }

    private static MeasuredTrait Measure(TraitCandidate candidate, CustomerSet best, CustomerSet? baseline)
    {
        var test = candidate.ToCriterion(1m);
        var bestCount = best.CountMatching(test);
        var baselineCount = baseline?.CountMatching(test) ?? 0;
        return new MeasuredTrait(
            candidate,
            bestCount,
            TraitCandidates.Share(bestCount, best.Count),
            baselineCount,
            baseline is null ? candidate.BaseRate : TraitCandidates.Share(baselineCount, baseline.Count));
    }

    /// <summary>Whole-number weights proportional to <paramref name="lifts"/>, summing to 100 (largest remainder, earlier first on ties).</summary>
    private static List<decimal> Weights(IReadOnlyList<decimal> lifts)
    {
        var total = lifts.Sum();
        if (lifts.Count == 0 || total <= 0m)
            return [.. lifts.Select(_ => 0m)];
        var exact = lifts.Select(lift => 100m * lift / total).ToList();
        var weights = exact.Select(Math.Floor).ToList();
        var left = 100 - (int)weights.Sum();
        foreach (var i in Enumerable.Range(0, exact.Count).OrderByDescending(i => exact[i] - weights[i]).ThenBy(i => i).Take(left))
            weights[i] += 1m;
        return weights;
    }

    private sealed record MeasuredTrait(TraitCandidate Candidate, int BestCount, decimal ShareOfBest, int BaselineCount, decimal ShareOfBaseline)
    {
        public decimal Lift => ShareOfBest - ShareOfBaseline;

        public bool Qualifies => ShareOfBest >= MinShareOfBest && Lift >= MinLift;

        public TraitEvidence ToEvidence(int bestTotal, int? othersTotal, string shortfall)
        {
            var against = othersTotal is { } total
                ? $"{Percent(ShareOfBaseline)} of the other customers ({BaselineCount} of {total})"
                : $"a base rate of {Percent(ShareOfBaseline)} ({Candidate.BaseRateBasis})";
            var why = $"{Capitalised(Candidate.Description)}: {Percent(ShareOfBest)} of the best customers ({BestCount} of {bestTotal}) "
                + $"against {against}, a lift of {Points(Lift)} points.{shortfall}";
            return new TraitEvidence(Candidate.Key, Candidate.Field, Candidate.Operator, Candidate.JsonValues, Candidate.Min, Candidate.Max,
                ShareOfBest, ShareOfBaseline, othersTotal is null ? TraitEvidence.BaseRate : TraitEvidence.Others,
                BestCount, BaselineCount, why);
        }

        private static string Percent(decimal share) => $"{Points(share)}%";

        private static string Points(decimal share) => (share * 100m).ToString("0.#", CultureInfo.InvariantCulture);

        private static string Capitalised(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];
    }
}
