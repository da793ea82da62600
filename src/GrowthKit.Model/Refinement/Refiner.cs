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
    IReadOnlyList<CriterionFigures> Criteria,
    IReadOnlyList<ChangeEvidence>? Changes = null,
    double? GainLow = null,
    double? GainHigh = null,
    double? ShareNotBetter = null);

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


    public static ProposalAttempt Propose(IcpDefinition current, IReadOnlyList<ClosedDeal> deals, RefinementRules rules) =>
        Propose(current, deals, rules, RefinerSettings.Default);

    /// <summary>
    /// One round: disqualifiers first (strong evidence only), then the criteria fitted to the deals no
    /// disqualifier stops, capped by the guardrails, then the tiers recut when their win rates do not
    /// fall from A to D. The criteria change only when the paired bootstrap of the holdout AUC says the
    /// gain is outside the noise; the rest stands on its own evidence.
    /// </summary>
    public static ProposalAttempt Propose(IcpDefinition current, IReadOnlyList<ClosedDeal> deals, RefinementRules rules, RefinerSettings settings)
    {
        ArgumentNullException.ThrowIfNull(current);
        ArgumentNullException.ThrowIfNull(deals);
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentNullException.ThrowIfNull(settings);

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

        var holdoutWon = holdout.Select(d => d.Won).ToList();
        double[] Scores(IcpDefinition definition) => [.. holdout.Select(d => (double)IcpScorer.Score(d.Lead, definition).Score)];
        var currentScores = Scores(current);

        // Candidates: the criteria refitted with the disqualifiers the deals call for, refitted without
        // changing the disqualifiers, and the disqualifier changes alone. The best holdout gain that lies
        // outside the noise wins; none, and the criteria and disqualifiers stay.
        var disqualified = Disqualifiers.Refine(current, training, settings);
        IcpDefinition Refit(IcpDefinition from)
        {
            var open = training.Where(d => IcpScorer.Score(d.Lead, from).Tier != TierNames.Disqualified).ToList();
            return Guardrails.Cap(from, Target(from, open, settings), rules.MaxWeightChange);
        }
        IcpDefinition RefitOnEvery(IcpDefinition from)
        {
            var open = deals.Where(d => IcpScorer.Score(d.Lead, from).Tier != TierNames.Disqualified).ToList();
            return Guardrails.Cap(from, Target(from, open, settings), rules.MaxWeightChange);
        }
        var candidates = new List<IcpDefinition> { Refit(disqualified) };
        if (!ReferenceEquals(disqualified, current) && DefinitionChanges.Between(current, disqualified).Count > 0)
            candidates.AddRange([Refit(current), disqualified]);
        var judged = candidates.Where(c => IcpDefinitionValidation.Validate(c).IsValid && DefinitionChanges.Between(current, c).Count > 0)
            .Select(c => (Definition: c, Gain: Intervals.PairedAucGain(currentScores, Scores(c), holdoutWon, settings.BootstrapResamples)))
            .ToList();
        var bootstrap = judged.OrderByDescending(j => j.Gain.Gain).Select(j => j.Gain).FirstOrDefault();
        // The disqualifiers the deals call for are preferred while they cost no more than a trifle of holdout AUC.
        var passing = judged.Where(j => j.Gain.ShareNotBetter <= settings.NoiseLevel).ToList();
        var bestGain = passing.Select(j => j.Gain.Gain).DefaultIfEmpty(0).Max();
        var chosen = passing.Where(j => j.Gain.Gain >= bestGain - 0.005)
            .Select(j => (int?)candidates.IndexOf(j.Definition)).Min();
        var proposed = chosen switch
        {
            null => current,
            // The way of refitting passed the holdout: the weights proposed are the same recipe fitted on every deal.
            0 or 1 when settings.RefitOnEveryDeal => RefitOnEvery(chosen == 0 ? Disqualifiers.Refine(current, deals, settings) : current),
            { } i => candidates[i],
        };
        if (!IcpDefinitionValidation.Validate(proposed).IsValid) proposed = candidates[chosen ?? 0];

        proposed = TierCuts.Refine(proposed, deals);
        var changes = DefinitionChanges.Between(current, proposed);
        if (changes.Count == 0)
        {
            return ProposalAttempt.None(bootstrap.Gain > 0
                ? $"The best change found would move the holdout AUC by {bootstrap.Gain:+0.000;-0.000}, but in {bootstrap.ShareNotBetter:0%} of "
                  + $"{settings.BootstrapResamples} bootstrap resamples of the holdout it gains nothing: that is within the noise."
                : "The ICP already fits the evidence.");
        }

        // What the holdout says of the change: measured with it fitted on the training deals only (candidates),
        // since the proposed weights may have seen the holdout too.
        var measured = chosen is { } c ? candidates[c] : proposed;
        var currentAuc = HoldoutAuc(current, holdout);
        var expectedAuc = HoldoutAuc(measured, holdout);
        var gain = Intervals.PairedAucGain(currentScores, Scores(measured), holdoutWon, settings.BootstrapResamples);

        var figures = GapAnalysis.Analyse(current, deals);
        var changedValues = changes
            .SelectMany(c => (c.Values ?? c.Criterion?.Values ?? []).Select(v => (Field: c.Field, Value: DefinitionChanges.Key(v))))
            .ToHashSet();
        var changedKeys = changes.Select(c => c.Key).ToHashSet(StringComparer.OrdinalIgnoreCase);
        var evidence = new ProposalEvidence(won, lost, training.Count, holdout.Count, holdout[0].ClosedAt,
            [.. figures.Values.Where(v => changedValues.Contains((v.Field, v.Value))
                                        || changes.Any(c => c.Field == ObservedValues.SizeField && v.Field == ObservedValues.SizeField))],
            [.. figures.Criteria.Where(c => changedKeys.Contains(c.Key))],
            ChangeEvidence.Of(changes, proposed, deals),
            Round(gain.Low), Round(gain.High), Round(gain.ShareNotBetter));
        return new ProposalAttempt(new RefinementProposal(proposed, changes, evidence, Round(currentAuc), Round(expectedAuc)), null);
    }

    /// <summary>
    /// Proposals accepted one after another until none is left (at most <paramref name="maxRounds"/>):
    /// each round's proposal and the definition it leads to.
    /// </summary>
    public static IReadOnlyList<RefinementProposal> Converge(IcpDefinition current, IReadOnlyList<ClosedDeal> deals, RefinementRules rules,
        RefinerSettings settings, int maxRounds = 30)
    {
        var rounds = new List<RefinementProposal>();
        for (var round = 0; round < maxRounds; round++)
        {
            if (Propose(current, deals, rules, settings).Proposal is not { } proposal) break;
            rounds.Add(proposal);
            current = proposal.Definition;
        }
        return rounds;
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

    private enum FeatureKind { Value, Bin, Kept }

    private sealed record Feature(FeatureKind Kind, string Field, string Value, int Bin, Criterion? Criterion);

    /// <summary>The definition the training deals point to, before the guardrails (with the default settings).</summary>
    public static IcpDefinition Target(IcpDefinition current, IReadOnlyList<ClosedDeal> training) =>
        Target(current, training, RefinerSettings.Default);

    /// <summary>The definition the training deals point to, before the guardrails.</summary>
    public static IcpDefinition Target(IcpDefinition current, IReadOnlyList<ClosedDeal> training, RefinerSettings settings)
    {
        var criteria = current.Criteria ?? [];
        var absorbed = criteria.Where(IsValueCriterion).ToList();
        var ranges = criteria.Where(IsRangeCriterion).ToList();
        var kept = criteria.Where(c => !IsValueCriterion(c) && !IsRangeCriterion(c)).ToList();
        if (training.Count == 0) return current;

        // Features: observed values common enough to fit, learned ranges of the numeric fields, and the other criteria as they match.
        var minSupport = Math.Max(5, (int)Math.Ceiling(settings.MinSupportShare * training.Count));
        var observed = training.Select(d => ObservedValues.Of(d.Lead).Where(v => v.Field != ObservedValues.SizeField)
            .Select(v => (v.Field, Key: v.Value.ToUpperInvariant(), v.Value)).Distinct().ToList()).ToList();
        var bins = NumericCuts.Fields.ToDictionary(f => f, f => NumericCuts.Learn(
            [.. training.Select(d => NumericCuts.Value(d.Lead, f)).OfType<decimal>()], settings.NumericBins, minSupport, NumericCuts.Conventional(f)));
        var features = observed.SelectMany(o => o)
            .GroupBy(v => (v.Field, v.Key))
            .Where(g => g.Count() >= minSupport && g.Count() <= training.Count - minSupport)
            .OrderBy(g => g.Key.Field, StringComparer.Ordinal).ThenBy(g => g.Key.Key, StringComparer.Ordinal)
            .Select(g => new Feature(FeatureKind.Value, g.Key.Field, g.First().Value, -1, null))
            .Concat(NumericCuts.Fields.SelectMany(f => bins[f].Select((b, i) => new Feature(FeatureKind.Bin, f, b.Label, i, null))))
            .Concat(kept.Select(c => new Feature(FeatureKind.Kept, c.Field!, c.Key!, -1, c)))
            .ToList();
        var index = features.Select((f, i) => (f, i)).Where(x => x.f.Kind != FeatureKind.Kept)
            .ToDictionary(x => (x.f.Field, x.f.Value.ToUpperInvariant()), x => x.i);
        var keptIndex = features.Select((f, i) => (f, i)).Where(x => x.f.Kind == FeatureKind.Kept).ToList();

        int? BinFeature(JsonElement lead, string field) =>
            NumericCuts.Value(lead, field) is { } x && bins[field].Select((b, i) => (b, i)).FirstOrDefault(p => p.b.Contains(x)) is { b: not null } hit
                ? index[(field, hit.b.Label.ToUpperInvariant())]
                : null;
        var rows = training.Select((d, i) => observed[i]
                .Select(v => index.TryGetValue((v.Field, v.Key), out var j) ? j : -1).Where(j => j >= 0)
                .Concat(NumericCuts.Fields.Select(f => BinFeature(d.Lead, f)).OfType<int>())
                .Concat(keptIndex.Where(k => ConditionMatcher.Matches(k.f.Criterion!, LeadPath.Resolve(d.Lead, k.f.Field))).Select(k => k.i))
                .ToArray())
            .ToList();
        var (beta, covariance) = LogisticRegression.FitWithCovariance(rows, [.. training.Select(d => d.Won)], features.Count, settings.Lambda);

        // A scalar field holds one value per lead, so adding the same log-odds to each of its values
        // ranks no lead differently: measured against the value at their (support-weighted) median,
        // the ordinary values come out at 0 and only those that win or lose markedly become criteria.
        // What the deals do not pin down (within the settings' standard errors of the reference) carries no weight.
        var coefficients = beta.Skip(1).ToArray();
        var errors = Enumerable.Range(0, features.Count).Select(i => Math.Sqrt(Math.Max(0, covariance[i + 1, i + 1]))).ToArray();
        var support = features.Select((f, i) => f.Kind == FeatureKind.Kept ? 0 : rows.Count(r => r.Contains(i))).ToArray();
        foreach (var field in features.Where(f => f.Kind != FeatureKind.Kept).Select(f => f.Field).Distinct().ToList())
        {
            if (training.Any(d => ObservedValues.IsList(d.Lead, field))) continue;
            var members = features.Select((f, i) => i).Where(i => features[i].Kind != FeatureKind.Kept && features[i].Field == field).ToList();
            // A field not every lead has (revenue) is measured against the leads without it, who match no range.
            if (features[members[0]].Kind == FeatureKind.Bin && training.Any(d => NumericCuts.Value(d.Lead, field) is null)) continue;
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
            if (Math.Abs(coefficients[i]) < settings.SignificantErrors * errors[i]) coefficients[i] = 0;
        }

        // Weights on the current definition's scale, in steps of a fraction of its heaviest weight.
        var largestCoefficient = coefficients.Select(Math.Abs).DefaultIfEmpty(0).Max();
        if (largestCoefficient < 0.05) return current;
        var scale = Math.Max(10m, criteria.Select(c => Math.Abs(c.Weight ?? 0)).DefaultIfEmpty(0).Max());
        var step = Math.Max(1m, Math.Round(scale / settings.WeightSteps));
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
            var groups = Cluster(fitted.Select(x => (raw[x.i], support[x.i])).ToList(), step * settings.GroupingSteps, contiguous: false)
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

        // Numeric fields: neighbouring learned ranges with about the same weight form one range criterion.
        foreach (var field in NumericCuts.Fields)
        {
            var fieldBins = bins[field];
            var binWeights = fieldBins.Select((_, b) => features.Select((f, i) => (f, i))
                .Where(x => x.f.Kind == FeatureKind.Bin && x.f.Field == field && x.f.Bin == b).Select(x => (raw[x.i], support[x.i])).First()).ToList();
            var runs = Cluster(binWeights, step * settings.GroupingSteps, contiguous: true)
                .Select(c => new BandRun(c.Members.Min(), Quantize(c.Weight)) { Last = c.Members.Max() })
                .Where(r => r.Weight != 0 && !(r.First == 0 && r.Last == fieldBins.Count - 1)).ToList();
            foreach (var existing in ranges.Where(r => r.Field == field))
            {
                var covered = fieldBins.Select((b, i) => (b, i)).Where(x => ConditionMatcher.Matches(existing, JsonSerializer.SerializeToElement(Representative(x.b))))
                    .Select(x => x.i).ToHashSet();
                if (fieldBins.Count == 0)
                {
                    survivors[existing.Key!] = existing;
                    continue;
                }
                var best = runs.Where(r => r.Key is null && Math.Sign(r.Weight) == Math.Sign(existing.Weight ?? 0))
                    .Select(r => (r, overlap: Enumerable.Range(r.First, r.Last - r.First + 1).Count(covered.Contains)))
                    .Where(x => x.overlap > 0).OrderByDescending(x => x.overlap).Select(x => x.r).FirstOrDefault();
                if (best is null) continue;
                best.Key = existing.Key;
                var same = covered.SetEquals(Enumerable.Range(best.First, best.Last - best.First + 1));
                survivors[existing.Key!] = same ? existing with { Weight = best.Weight } : RangeCriterion(existing.Key!, field, fieldBins, best);
            }
            added.AddRange(runs.Where(r => r.Key is null).Select(r => RangeCriterion(NewKey(field, r.Weight, taken), field, fieldBins, r)));
        }

        var next = criteria.Where(c => survivors.ContainsKey(c.Key!)).Select(c => survivors[c.Key!]).Concat(added).ToList();
        return current with { Criteria = next };
    }

    private static decimal Representative(NumericBin bin) => (bin.Min, bin.Max) switch
    {
        ({ } min, { } max) => (min + max) / 2,
        ({ } min, null) => min,
        (null, { } max) => max,
        _ => 0,
    };

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

    private static Criterion RangeCriterion(string key, string field, IReadOnlyList<NumericBin> bins, BandRun run)
    {
        var (min, max) = (bins[run.First].Min, bins[run.Last].Max);
        return (min, max) switch
        {
            ({ } lo, { } hi) => new Criterion(key, field, Operators.Between, null, lo, hi, null, run.Weight),
            ({ } lo, null) => new Criterion(key, field, Operators.Gte, null, null, null, JsonSerializer.SerializeToElement(lo), run.Weight),
            (null, { } hi) => new Criterion(key, field, Operators.Lte, null, null, null, JsonSerializer.SerializeToElement(hi), run.Weight),
            _ => throw new InvalidOperationException("a range over every value"),
        };
    }

    private static bool IsValueCriterion(Criterion c) =>
        c.Operator is Operators.In or Operators.AnyOf
        && (ObservedValues.CategoryFields.Contains(c.Field) || (c.Field is { } f && FieldPaths.AttributeName(f) is not null));

    private static bool IsRangeCriterion(Criterion c) =>
        NumericCuts.Fields.Contains(c.Field)
        && (c is { Operator: Operators.Between, Min: not null, Max: not null }
            || c is { Operator: Operators.Gt or Operators.Gte or Operators.Lt or Operators.Lte, Value.ValueKind: JsonValueKind.Number });

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
            FieldPaths.CompanyAnnualRevenue => "revenue",
            _ => new string([.. (FieldPaths.AttributeName(field) ?? field).ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')]),
        };
        var stem = weight < 0 ? $"avoid-{slug}" : slug;
        var key = stem;
        for (var n = 2; !taken.Add(key); n++) key = $"{stem}-{n}";
        return key;
    }
}
