using System.Text.Json;

namespace GrowthKit.Model;

/// <summary>What backs a proposal: the deals, the time-ordered split, and the figures of what it changes.</summary>
public sealed record ProposalEvidence(
    int Won,
    int Lost,
    int TrainingDeals,
    int HoldoutDeals,
    DateTimeOffset HoldoutFrom,
    IReadOnlyList<ValueFigures> Values,
    IReadOnlyList<CriterionFigures> Criteria);

/// <summary>A changed definition, the changes it amounts to, their evidence and the holdout AUC before and after.</summary>
public sealed record RefinementProposal(
    IcpDefinition Definition,
    IReadOnlyList<DefinitionChange> Changes,
    ProposalEvidence Evidence,
    double CurrentAuc,
    double ExpectedAuc)
{
    /// <summary>The reason recorded with the version it becomes: the changes and the evidence in one line.</summary>
    public string Reason(Guid proposalId) =>
        $"Refinement proposal {proposalId} from {Evidence.Won} won and {Evidence.Lost} lost deals: "
        + $"holdout AUC {CurrentAuc:0.000} → {ExpectedAuc:0.000} ({Evidence.HoldoutDeals} newest deals, not used for fitting). "
        + DefinitionChanges.Describe(Changes);
}

/// <summary>A proposal, or why there is none.</summary>
public sealed record ProposalAttempt(RefinementProposal? Proposal, string? WhyNot)
{
    public static ProposalAttempt None(string why) => new(null, why);
}

/// <summary>
/// Proposes a sharper definition from closed deals. The deals are split by close date: the newest
/// <see cref="RefinementRules.HoldoutShare"/> only measure, the rest are fitted. The fit is an
/// L2-regularised logistic regression (the shrinkage: a handful of deals cannot swing a weight) over
/// one feature per observed value of the category fields, per company-size band, and per criterion
/// of another kind. Its coefficients become weights on the definition's own scale, rounded to steps,
/// and values of one field with the same weight become one criterion — so the result stays a short,
/// readable list: values join or leave a criterion, weights move (negative ones too), size ranges
/// move, criteria appear and go. <see cref="Guardrails.Cap"/> then bounds the move, and only a change
/// that raises the holdout AUC by <see cref="RefinementRules.MinAucGain"/> is proposed.
/// </summary>
public static class Refiner
{
    /// <summary>The penalty of <see cref="LogisticRegression.Fit"/>: a N(0, 1) prior on each value's log-odds.</summary>
    public const double Lambda = 1.0;

    /// <summary>A fitted effect counts when it lies this many standard errors from 0.</summary>
    public const double SignificantErrors = 2.0;

    /// <summary>Values of one field whose weights lie within this many weight steps share a criterion.</summary>
    public const decimal GroupingSteps = 1m;

    public static ProposalAttempt Propose(IcpDefinition current, IReadOnlyList<ClosedDeal> deals, RefinementRules rules)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(deals);
        ArgumentNullException.ThrowIfNull(rules);

        var won = deals.Count(d => d.Won);
        var lost = deals.Count - won;
        if (!rules.HasEnoughEvidence(won, lost))
        {
            return ProposalAttempt.None($"Proposals need at least {Math.Max(RefinementRules.EvidenceFloor, rules.MinWon)} won and "
                                        + $"{Math.Max(RefinementRules.EvidenceFloor, rules.MinLost)} lost closed deals; there are {won} won and {lost} lost.");
        }

        var (training, holdout) = Split(deals);
        if (!training.Any(d => d.Won) || training.All(d => d.Won) || !holdout.Any(d => d.Won) || holdout.All(d => d.Won))
            return ProposalAttempt.None("The training or the holdout deals are all won or all lost.");

        var target = Target(current, training);
        var proposed = Guardrails.Cap(current, target, rules.MaxWeightChange);
        if (!IcpDefinitionValidation.Validate(proposed).IsValid)
            return ProposalAttempt.None("The evidence points to no valid definition (no criterion would keep a positive weight).");

        var changes = DefinitionChanges.Between(current, proposed);
        if (changes.Count == 0) return ProposalAttempt.None("The ICP already fits the evidence.");

        var currentAuc = HoldoutAuc(current, holdout);
        var expectedAuc = HoldoutAuc(proposed, holdout);
        if (expectedAuc < currentAuc + RefinementRules.MinAucGain)
        {
            return ProposalAttempt.None(
                $"The best change found would move the holdout AUC from {currentAuc:0.000} to {expectedAuc:0.000}, less than {RefinementRules.MinAucGain} better.");
        }

        var figures = GapAnalysis.Analyse(current, deals);
        var changedValues = changes
            .SelectMany(c => (c.Values ?? c.Criterion?.Values ?? []).Select(v => (Field: c.Field, Value: DefinitionChanges.Key(v))))
            .ToHashSet();
        var changedKeys = changes.Select(c => c.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var evidence = new ProposalEvidence(won, lost, training.Count, holdout.Count, holdout[0].ClosedAt,
            [.. figures.Values.Where(v => changedValues.Contains((v.Field, v.Value))
                                        || changes.Any(c => c.Field == ObservedValues.SizeField && v.Field == ObservedValues.SizeField))],
            [.. figures.Criteria.Where(c => changedKeys.Contains(c.Key))]);
        return new ProposalAttempt(new RefinementProposal(proposed, changes, evidence, Round(currentAuc), Round(expectedAuc)), null);
    }

    /// <summary>Oldest first by close date (then deal id, so the split is reproducible); the newest share is the holdout.</summary>
    public static (IReadOnlyList<ClosedDeal> Training, IReadOnlyList<ClosedDeal> Holdout) Split(IReadOnlyList<ClosedDeal> deals)
    {
        var ordered = deals.OrderBy(d => d.ClosedAt).ThenBy(d => d.DealId, StringComparer.Ordinal).ToList();
        var holdout = (int)Math.Round(ordered.Count * RefinementRules.HoldoutShare, MidpointRounding.AwayFromZero);
        return (ordered[..^holdout], ordered[^holdout..]);
    }

    public static double HoldoutAuc(IcpDefinition definition, IReadOnlyList<ClosedDeal> deals) =>
        RankStatistics.Auc([.. deals.Select(d => (IcpScorer.Score(d.Lead, definition).Score, d.Won))]) ?? 0.5;

    private static double Round(double x) => Math.Round(x, 4, MidpointRounding.AwayFromZero);

    private enum FeatureKind { Value, Band, Kept }

    private sealed record Feature(FeatureKind Kind, string Field, string Value, int Band, Criterion? Criterion);

    /// <summary>The definition the training deals point to, before the guardrails.</summary>
    public static IcpDefinition Target(IcpDefinition current, IReadOnlyList<ClosedDeal> training)
    {
        var criteria = current.Criteria ?? [];
        var absorbed = criteria.Where(IsValueCriterion).ToList();
        var ranges = criteria.Where(IsRangeCriterion).ToList();
        var kept = criteria.Where(c => !IsValueCriterion(c) && !IsRangeCriterion(c)).ToList();

        // Features: observed values (and size bands) common enough to fit, and the other criteria as they match.
        var minSupport = Math.Max(5, (int)Math.Ceiling(0.02 * training.Count));
        var observed = training.Select(d => ObservedValues.Of(d.Lead).Select(v => (v.Field, Key: v.Value.ToUpperInvariant(), v.Value)).Distinct().ToList()).ToList();
        var features = observed.SelectMany(o => o)
            .GroupBy(v => (v.Field, v.Key))
            .Where(g => g.Count() >= minSupport && g.Count() <= training.Count - minSupport)
            .OrderBy(g => g.Key.Field, StringComparer.Ordinal).ThenBy(g => g.Key.Key, StringComparer.Ordinal)
            .Select(g => g.Key.Field == ObservedValues.SizeField
                ? new Feature(FeatureKind.Band, g.Key.Field, g.First().Value, BandIndex(g.First().Value), null)
                : new Feature(FeatureKind.Value, g.Key.Field, g.First().Value, -1, null))
            .Concat(kept.Select(c => new Feature(FeatureKind.Kept, c.Field!, c.Key!, -1, c)))
            .ToList();
        var index = features.Select((f, i) => (f, i)).Where(x => x.f.Kind != FeatureKind.Kept)
            .ToDictionary(x => (x.f.Field, x.f.Value.ToUpperInvariant()), x => x.i);
        var keptIndex = features.Select((f, i) => (f, i)).Where(x => x.f.Kind == FeatureKind.Kept).ToList();

        var rows = training.Select((d, i) => observed[i]
                .Select(v => index.TryGetValue((v.Field, v.Key), out var j) ? j : -1).Where(j => j >= 0)
                .Concat(keptIndex.Where(k => ConditionMatcher.Matches(k.f.Criterion!, LeadPath.Resolve(d.Lead, k.f.Field))).Select(k => k.i))
                .ToArray())
            .ToList();
        var (beta, covariance) = LogisticRegression.FitWithCovariance(rows, [.. training.Select(d => d.Won)], features.Count, Lambda);

        // A scalar field holds one value per lead, so adding the same log-odds to each of its values
        // ranks no lead differently: measured against the value at their (support-weighted) median,
        // the ordinary values come out at 0 and only those that win or lose markedly become criteria.
        // What the deals do not pin down (within two standard errors of the reference) carries no
        // weight, so a value or criterion is only proposed where it wins or loses clearly.
        var coefficients = beta.Skip(1).ToArray();
        var errors = Enumerable.Range(0, features.Count).Select(i => Math.Sqrt(Math.Max(0, covariance[i + 1, i + 1]))).ToArray();
        var support = features.Select(f => f.Kind == FeatureKind.Kept ? 0
            : observed.Count(o => o.Any(v => v.Field == f.Field && v.Key == f.Value.ToUpperInvariant()))).ToArray();
        foreach (var field in features.Where(f => f.Kind != FeatureKind.Kept).Select(f => f.Field).Distinct().ToList())
        {
            if (field != ObservedValues.SizeField && training.Any(d => ObservedValues.IsList(d.Lead, field))) continue;
            var members = features.Select((f, i) => i).Where(i => features[i].Kind != FeatureKind.Kept && features[i].Field == field).ToList();
            var reference = WeightedMedian(members.Select(i => (i, coefficients[i], support[i])).ToList());
            var centre = coefficients[reference];
            foreach (var i in members)
            {
                coefficients[i] -= centre;
                var (a, r) = (i + 1, reference + 1);
                errors[i] = Math.Sqrt(Math.Max(0, covariance[a, a] + covariance[r, r] - 2 * covariance[a, r]));
            }
        }
        for (var i = 0; i < coefficients.Length; i++)
        {
            if (Math.Abs(coefficients[i]) < SignificantErrors * errors[i]) coefficients[i] = 0;
        }

        // Weights on the current definition's scale, in steps of about a twelfth of its heaviest weight (the
        // refinement benchmark: coarser steps and wider groups cost 0.015 to 0.025 holdout AUC for a few criteria fewer).
        var largestCoefficient = coefficients.Select(Math.Abs).DefaultIfEmpty(0).Max();
        if (largestCoefficient < 0.05) return current;
        var scale = Math.Max(10m, criteria.Select(c => Math.Abs(c.Weight ?? 0)).DefaultIfEmpty(0).Max());
        var step = Math.Max(1m, Math.Round(scale / 12));
        var raw = coefficients.Select(c => (decimal)(c / largestCoefficient) * scale).ToList();
        decimal Quantize(decimal w) => step * Math.Round(w / step, MidpointRounding.AwayFromZero);
        var weights = raw.Select(Quantize).ToList();

        var taken = new HashSet<string>(criteria.Select(c => c.Key!).Concat((current.Disqualifiers ?? []).Select(d => d.Key!)),
            StringComparer.OrdinalIgnoreCase);
        var survivors = new Dictionary<string, Criterion>(StringComparer.OrdinalIgnoreCase);
        var added = new List<Criterion>();

        foreach (var (feature, i) in keptIndex)
        {
            if (weights[i] != 0) survivors[feature.Criterion!.Key!] = feature.Criterion with { Weight = weights[i] };
        }

        // Category fields: values with the same weight form one criterion.
        var valueFields = features.Where(f => f.Kind == FeatureKind.Value).Select(f => f.Field)
            .Concat(absorbed.Select(c => c.Field!)).Distinct().ToList();
        foreach (var field in valueFields)
        {
            var fitted = features.Select((f, i) => (f, i))
                .Where(x => x.f.Kind == FeatureKind.Value && x.f.Field == field).ToList();
            var fittedKeys = fitted.Select(x => x.f.Value.ToUpperInvariant()).ToHashSet();
            // Values whose weights lie within a step of each other share one criterion and its weight.
            var groups = Cluster(fitted.Select(x => (raw[x.i], support[x.i])).ToList(), step * GroupingSteps, contiguous: false)
                .Select(c => (Weight: Quantize(c.Weight), c.Members))
                .Where(c => c.Weight != 0)
                .OrderByDescending(c => c.Weight)
                .Select(c => new ValueGroup(c.Weight, [.. c.Members.Select(m => fitted[m].f.Value)])).ToList();
            foreach (var existing in absorbed.Where(c => c.Field == field))
            {
                var values = (existing.Values ?? []).Select(DefinitionChanges.Key).ToList();
                // A criterion none of whose values the deals show often enough says nothing either way: it stays as it is.
                if (!values.Any(v => fittedKeys.Contains(v.ToUpperInvariant())))
                {
                    survivors[existing.Key!] = existing;
                    continue;
                }
                var best = groups.Where(g => g.Key is null && Math.Sign(g.Weight) == Math.Sign(existing.Weight ?? 0))
                    .Select(g => (g, overlap: g.Values.Count(v => values.Contains(v, StringComparer.OrdinalIgnoreCase))))
                    .Where(x => x.overlap > 0).OrderByDescending(x => x.overlap).Select(x => x.g).FirstOrDefault();
                if (best is null) continue;
                best.Key = existing.Key;
                // Values without enough deals to judge stay; the rest follow the fit.
                var kept2 = (existing.Values ?? []).Where(v => !fittedKeys.Contains(DefinitionChanges.Key(v).ToUpperInvariant())
                                                              || best.Values.Contains(DefinitionChanges.Key(v), StringComparer.OrdinalIgnoreCase));
                var joined = best.Values.Where(v => !values.Contains(v, StringComparer.OrdinalIgnoreCase)).Select(Json);
                survivors[existing.Key!] = existing with { Values = [.. kept2, .. joined], Weight = best.Weight };
            }
            var isList = training.Any(d => ObservedValues.IsList(d.Lead, field));
            foreach (var group in groups.Where(g => g.Key is null))
            {
                added.Add(new Criterion(NewKey(field, group.Weight, taken), field, isList ? Operators.AnyOf : Operators.In,
                    [.. group.Values.Select(Json)], null, null, null, group.Weight));
            }
        }

        // Company size: neighbouring bands with the same weight form one range.
        // Bands without enough deals weigh 0 and so split ranges.
        var bands = Taxonomy.CompanySizes.Select((_, b) => features.Select((f, i) => (f, i))
            .Where(x => x.f.Kind == FeatureKind.Band && x.f.Band == b).Select(x => (raw[x.i], support[x.i])).FirstOrDefault()).ToList();
        var runs = Cluster(bands, step * GroupingSteps, contiguous: true)
            .Select(c => new BandRun(c.Members.Min(), Quantize(c.Weight)) { Last = c.Members.Max() })
            .Where(r => r.Weight != 0).ToList();
        foreach (var existing in ranges)
        {
            var covered = CoveredBands(existing);
            var best = runs.Where(r => r.Key is null && Math.Sign(r.Weight) == Math.Sign(existing.Weight ?? 0))
                .Select(r => (r, overlap: Enumerable.Range(r.First, r.Last - r.First + 1).Count(covered.Contains)))
                .Where(x => x.overlap > 0).OrderByDescending(x => x.overlap).Select(x => x.r).FirstOrDefault();
            if (best is null) continue;
            best.Key = existing.Key;
            var same = covered.SetEquals(Enumerable.Range(best.First, best.Last - best.First + 1));
            survivors[existing.Key!] = same ? existing with { Weight = best.Weight } : RangeCriterion(existing.Key!, best);
        }
        added.AddRange(runs.Where(r => r.Key is null).Select(r => RangeCriterion(NewKey(ObservedValues.SizeField, r.Weight, taken), r)));

        var next = criteria.Where(c => survivors.ContainsKey(c.Key!)).Select(c => survivors[c.Key!]).Concat(added).ToList();
        return current with { Criteria = next };
    }

    /// <summary>The index of the item at the support-weighted median of the values.</summary>
    private static int WeightedMedian(IReadOnlyList<(int Index, double Value, int Weight)> items)
    {
        var ordered = items.OrderBy(x => x.Value).ToList();
        var half = ordered.Sum(x => x.Weight) / 2.0;
        var seen = 0.0;
        foreach (var (index, _, weight) in ordered)
        {
            seen += weight;
            if (seen >= half) return index;
        }
        return ordered[^1].Index;
    }

    /// <summary>
    /// One-dimensional grouping: sorted by weight (or kept in order when <paramref name="contiguous"/>),
    /// an item joins the current group while it lies within <paramref name="tolerance"/> of the group's
    /// first item. A group weighs its members' support-weighted mean.
    /// </summary>
    private static List<(decimal Weight, List<int> Members)> Cluster(IReadOnlyList<(decimal Weight, int Support)> items,
        decimal tolerance, bool contiguous)
    {
        var order = Enumerable.Range(0, items.Count).ToList();
        if (!contiguous) order = [.. order.OrderByDescending(i => items[i].Weight)];
        var clusters = new List<(decimal Weight, List<int> Members)>();
        var current = new List<int>();
        foreach (var i in order)
        {
            if (current.Count > 0 && Math.Abs(items[i].Weight - items[current[0]].Weight) > tolerance)
            {
                clusters.Add((Mean(current), current));
                current = [];
            }
            current.Add(i);
        }
        if (current.Count > 0) clusters.Add((Mean(current), current));
        return clusters;

        decimal Mean(List<int> members)
        {
            var total = members.Sum(m => Math.Max(1, items[m].Support));
            return members.Sum(m => items[m].Weight * Math.Max(1, items[m].Support)) / total;
        }
    }

    private sealed class ValueGroup(decimal weight, List<string> values)
    {
        public decimal Weight { get; } = weight;
        public List<string> Values { get; } = values;
        public string? Key { get; set; }
    }

    private sealed class BandRun(int first, decimal weight)
    {
        public int First { get; } = first;
        public int Last { get; set; }
        public decimal Weight { get; } = weight;
        public string? Key { get; set; }
    }

    private static Criterion RangeCriterion(string key, BandRun run)
    {
        var (from, to) = (Taxonomy.CompanySizes[run.First], Taxonomy.CompanySizes[run.Last]);
        return to.Max is { } max
            ? new Criterion(key, ObservedValues.SizeField, Operators.Between, null, from.Min, max, null, run.Weight)
            : new Criterion(key, ObservedValues.SizeField, Operators.Gte, null, null, null, JsonSerializer.SerializeToElement(from.Min), run.Weight);
    }

    private static HashSet<int> CoveredBands(Criterion range) =>
        Taxonomy.CompanySizes.Select((b, i) => (b, i))
            .Where(x => x.b.Min <= range.Max && (x.b.Max is null || x.b.Max >= range.Min))
            .Select(x => x.i).ToHashSet();

    private static int BandIndex(string value) =>
        Taxonomy.CompanySizes.Select((b, i) => (b, i)).First(x => x.b.Value == value).i;

    private static bool IsValueCriterion(Criterion c) =>
        c.Operator is Operators.In or Operators.AnyOf
        && (ObservedValues.CategoryFields.Contains(c.Field) || (c.Field is { } f && FieldPaths.AttributeName(f) is not null));

    private static bool IsRangeCriterion(Criterion c) =>
        c.Field == ObservedValues.SizeField && c.Operator == Operators.Between && c.Min is not null && c.Max is not null;

    private static JsonElement Json(string value) => JsonSerializer.SerializeToElement(value);

    private static string NewKey(string field, decimal weight, HashSet<string> taken)
    {
        var slug = field switch
        {
            FieldPaths.CompanyIndustry => "industry",
            FieldPaths.CompanyCountry => "country",
            FieldPaths.Signals => "signal",
            FieldPaths.PainPoints => "pain",
            FieldPaths.ContactSeniority => "seniority",
            FieldPaths.ContactDepartment => "department",
            FieldPaths.CompanyEmployeeCount => "size",
            _ => new string([.. (FieldPaths.AttributeName(field) ?? field).ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')]),
        };
        var stem = weight < 0 ? $"avoid-{slug}" : slug;
        var key = stem;
        for (var n = 2; !taken.Add(key); n++) key = $"{stem}-{n}";
        return key;
    }
}
