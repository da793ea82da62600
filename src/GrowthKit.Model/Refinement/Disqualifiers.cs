using System.Globalization;
using System.Text.Json;

namespace GrowthKit.Model;

/// <summary>
/// Disqualifiers from the deals, only on strong evidence. A value joins the disqualifiers when it was
/// seen on at least <see cref="RefinerSettings.DisqualifierMinDeals"/> deals and even the upper end of
/// the 95 % interval of its win rate lies below <see cref="RefinerSettings.DisqualifierShare"/> of the
/// base rate (it almost never wins); a disqualifier goes when its deals win (the rate itself, not
/// the rate itself is at least that share of the base rate). A rate at or above the share puts the
/// interval's upper end there too, so a disqualifier removed is never added again on the same deals, nor the reverse.
/// </summary>
public static class Disqualifiers
{
    public static IcpDefinition Refine(IcpDefinition current, IReadOnlyList<ClosedDeal> deals, RefinerSettings settings)
    {
        var existing = current.Disqualifiers ?? [];
        if (deals.Count == 0) return current;
        var baseRate = (double)deals.Count(d => d.Won) / deals.Count;

        // Removal: judged over every deal the disqualifier matches.
        var kept = existing.Where(d =>
        {
            var matched = deals.Where(x => ConditionMatcher.Matches(d, LeadPath.Resolve(x.Lead, d.Field))).ToList();
            if (matched.Count < settings.DisqualifierMinDeals) return true;
            return (double)matched.Count(x => x.Won) / matched.Count < settings.DisqualifierShare * baseRate;
        }).ToList();

        // Addition: values of deals no disqualifier stops yet.
        var open = deals.Where(x => !existing.Any(d => ConditionMatcher.Matches(d, LeadPath.Resolve(x.Lead, d.Field)))).ToList();
        if (open.Count == 0) return current with { Disqualifiers = kept };
        var openRate = (double)open.Count(d => d.Won) / open.Count;
        var taken = new HashSet<string>((current.Criteria ?? []).Select(c => c.Key!).Concat(existing.Select(d => d.Key!)),
            StringComparer.OrdinalIgnoreCase);
        var added = open
            .SelectMany(d => ObservedValues.Of(d.Lead).Where(v => v.Field != ObservedValues.SizeField)
                .Select(v => (v.Field, Key: v.Value.ToUpperInvariant(), v.Value, d.Won)).Distinct())
            .GroupBy(v => (v.Field, v.Key))
            .Select(g => (g.Key.Field, g.First().Value, Deals: g.Count(), Won: g.Count(v => v.Won)))
            .Where(v => v.Deals >= settings.DisqualifierMinDeals && v.Deals < open.Count)
            .Where(v => Intervals.Wilson(v.Won, v.Deals).High < settings.DisqualifierShare * openRate)
            .OrderBy(v => v.Field, StringComparer.Ordinal).ThenBy(v => v.Value, StringComparer.Ordinal)
            .Select(v =>
            {
                var isList = open.Any(d => ObservedValues.IsList(d.Lead, v.Field));
                var (low, high) = Intervals.Wilson(v.Won, v.Deals);
                var reason = string.Create(CultureInfo.InvariantCulture,
                    $"{v.Value} almost never wins: {v.Won} won of {v.Deals} deals ({Percent((double)v.Won / v.Deals)}, 95 % interval {Percent(low)}–{Percent(high)}) against {Percent(openRate)} overall");
                return new Disqualifier(Key(v.Field, v.Value, taken), v.Field, isList ? Operators.AnyOf : Operators.In,
                    [JsonSerializer.SerializeToElement(v.Value)], null, null, null, reason);
            }).ToList();
        return current with { Disqualifiers = [.. kept, .. added] };
    }

    internal static string Percent(double x) => (100 * x).ToString(x < 0.1 ? "0.0" : "0", CultureInfo.InvariantCulture) + " %";

    private static string Key(string field, string value, HashSet<string> taken)
    {
        var slug = new string([.. value.ToLowerInvariant().Select(c => char.IsAsciiLetterOrDigit(c) ? c : '-')]).Trim('-');
        var stem = $"no-{(slug.Length > 60 ? slug[..60] : slug)}";
        var key = stem;
        for (var n = 2; !taken.Add(key); n++) key = $"{stem}-{n}";
        return key;
    }
}
