using System.Globalization;
using System.Text.Json;

namespace GrowthKit.Model;

/// <summary>
/// The traits worth testing, read off the best customers: per categorical field the most common
/// values, per numeric field the range most of them fall in.
/// </summary>
/// <remarks>
/// Base rates, used when no other customers are given to compare with, are deliberately naive: a
/// categorical trait of k values is assumed as common as k values out of the field's vocabulary
/// (k of 20 NAICS sectors, k of 249 countries, k of the buying triggers, …) — as if every value
/// were equally common; a size range as common as the share of the 8 size bands it spans; a revenue
/// range or a custom attribute, which have no vocabulary to count against, half of all companies.
/// </remarks>
internal static class TraitCandidates
{
    /// <summary>A categorical trait lists values until they cover this share of the best customers…</summary>
    private const decimal Coverage = 0.8m;

    /// <summary>…or until it lists this many.</summary>
    private const int MaxValues = 5;

    /// <summary>The base rate of a trait without a vocabulary (revenue, custom attributes): a coin flip.</summary>
    private const decimal UnknownBaseRate = 0.5m;

    public static IEnumerable<TraitCandidate> For(CustomerSet best)
    {
        var order = 0;
        if (Categorical(best, order++, "industry", FieldPaths.CompanyIndustry, Operators.In, Taxonomy.Industries.Count, "NAICS sectors") is { } industry)
            yield return industry;

        foreach (var region in Regions(best, order++))
            yield return region;

        if (EmployeeRange(best, order++) is { } size)
            yield return size;
        if (RevenueRange(best, order++) is { } revenue)
            yield return revenue;

        if (Categorical(best, order++, "trigger", FieldPaths.Signals, Operators.AnyOf, Taxonomy.BuyingTriggers.Count, "buying triggers") is { } trigger)
            yield return trigger;
        if (Categorical(best, order++, "pain", FieldPaths.PainPoints, Operators.AnyOf, Taxonomy.PainPoints.Count, "pain points") is { } pain)
            yield return pain;
        if (Categorical(best, order++, "seniority", FieldPaths.ContactSeniority, Operators.In, Taxonomy.Seniorities.Count, "seniorities") is { } seniority)
            yield return seniority;
        if (Categorical(best, order++, "department", FieldPaths.ContactDepartment, Operators.In, Taxonomy.Departments.Count, "departments") is { } department)
            yield return department;

        foreach (var (name, isList) in TextAttributes(best))
        {
            var op = isList ? Operators.AnyOf : Operators.In;
            if (Categorical(best, order++, $"attr-{name}", FieldPaths.AttributesPrefix + name, op, vocabularySize: null, "") is { } attribute)
                yield return attribute;
        }
    }

    // The countries alone, and every region that holds at least two of the best customers' countries:
    // a region names the market when the customers spread over it (five countries of the EU, or DE
    // and AT of DACH), and the measured lift decides which describes them more sharply.
    private static IEnumerable<TraitCandidate> Regions(CustomerSet best, int order)
    {
        if (Categorical(best, order, "region", FieldPaths.CompanyCountry, Operators.In, Taxonomy.Countries.Count, "countries") is { } countries)
            yield return countries;

        var seen = best.TextsAt(FieldPaths.CompanyCountry).SelectMany(codes => codes).ToHashSet(StringComparer.OrdinalIgnoreCase);
        foreach (var region in Taxonomy.Regions)
        {
            if (region.Members.Count(seen.Contains) < 2)
                continue;
            yield return new TraitCandidate(order, "region", FieldPaths.CompanyCountry, Operators.In, region.Members, null, null,
                $"a country in {region.Name} ({string.Join(", ", region.Members)})",
                Share(region.Members.Count, Taxonomy.Countries.Count),
                $"{region.Members.Count} of {Taxonomy.Countries.Count} countries");
        }
    }

    /// <summary>
    /// The most common values among the best customers, most common first (ties in ordinal order),
    /// added until they cover 80% of them or five are listed. Values compare case-insensitively and
    /// are written in their most common spelling.
    /// </summary>
    private static TraitCandidate? Categorical(CustomerSet best, int order, string key, string field, string op, int? vocabularySize, string vocabulary)
    {
        var texts = best.TextsAt(field).ToList();
        var spellings = texts.SelectMany(values => values)
            .GroupBy(value => value, StringComparer.OrdinalIgnoreCase)
            .Select(group => new
            {
                Spelling = group.GroupBy(value => value, StringComparer.Ordinal)
                    .OrderByDescending(same => same.Count()).ThenBy(same => same.Key, StringComparer.Ordinal).First().Key,
                Customers = group.Count(),
            })
            .OrderByDescending(value => value.Customers).ThenBy(value => value.Spelling, StringComparer.Ordinal)
            .ToList();
        if (spellings.Count == 0)
            return null;

        var chosen = new List<string>();
        var covered = new bool[texts.Count];
        foreach (var value in spellings)
        {
            chosen.Add(value.Spelling);
            for (var i = 0; i < texts.Count; i++)
                covered[i] |= texts[i].Contains(value.Spelling, StringComparer.OrdinalIgnoreCase);
            if (chosen.Count == MaxValues || covered.Count(c => c) >= Coverage * texts.Count)
                break;
        }

        var (baseRate, basis) = vocabularySize is { } size
            ? (Share(chosen.Count, Math.Max(size, spellings.Count)), $"{chosen.Count} of {Math.Max(size, spellings.Count)} {vocabulary}")
            : (UnknownBaseRate, "no vocabulary to count against, so half of all companies");
        return new TraitCandidate(order, key, field, op, chosen, null, null, Describe(field, chosen), baseRate, basis);
    }

    /// <summary>From the 10th to the 90th percentile of the best customers' headcounts, widened to whole size bands.</summary>
    private static TraitCandidate? EmployeeRange(CustomerSet best, int order)
    {
        var counts = best.Leads.Select(lead => lead.Company?.EmployeeCount).OfType<decimal>().Order().ToList();
        if (counts.Count == 0)
            return null;
        var (low, high) = (Percentile(counts, 10), Percentile(counts, 90));
        var min = Taxonomy.CompanySizes.Where(band => band.Min <= low).Select(band => band.Min).DefaultIfEmpty(0m).Max();
        var max = Taxonomy.CompanySizes.Where(band => band.Max >= high).Select(band => band.Max).Min() ?? TwoSignificantFigures(high, up: true);
        var bands = Taxonomy.CompanySizes.Count(band => band.Min <= max && (band.Max ?? decimal.MaxValue) >= min);
        return new TraitCandidate(order, "size", FieldPaths.CompanyEmployeeCount, Operators.Between, null, min, max,
            $"{Number(min)}–{Number(max)} employees (the best customers' 10th–90th percentile, {Number(low)}–{Number(high)}, widened to size bands)",
            Share(bands, Taxonomy.CompanySizes.Count), $"{bands} of {Taxonomy.CompanySizes.Count} size bands");
    }

    /// <summary>From the 10th to the 90th percentile of the best customers' revenue, widened to two significant figures.</summary>
    private static TraitCandidate? RevenueRange(CustomerSet best, int order)
    {
        var revenues = best.Leads.Select(lead => lead.Company?.AnnualRevenue).OfType<decimal>().Order().ToList();
        if (revenues.Count == 0)
            return null;
        var (low, high) = (Percentile(revenues, 10), Percentile(revenues, 90));
        var (min, max) = (TwoSignificantFigures(low, up: false), TwoSignificantFigures(high, up: true));
        return new TraitCandidate(order, "revenue", FieldPaths.CompanyAnnualRevenue, Operators.Between, null, min, max,
            $"annual revenue of {Number(min)}–{Number(max)} (the best customers' 10th–90th percentile, {Number(low)}–{Number(high)}, to two significant figures)",
            UnknownBaseRate, "no revenue distribution to compare with, so half of all companies");
    }

    /// <summary>
    /// Custom fields the best customers fill with text or lists of text, in ordinal order of name, and
    /// whether any of them is a list (tested with anyOf then, with in otherwise). A field that ever
    /// holds a number, a flag or an object is not a category and is left out.
    /// </summary>
    private static IEnumerable<(string Name, bool IsList)> TextAttributes(CustomerSet best)
    {
        var values = best.Leads.SelectMany(lead => lead.Attributes ?? new Dictionary<string, JsonElement>())
            .GroupBy(attribute => attribute.Key, StringComparer.Ordinal)
            .OrderBy(attribute => attribute.Key, StringComparer.Ordinal);
        foreach (var attribute in values)
        {
            var kinds = attribute.Select(pair => pair.Value).ToList();
            var isText = kinds.All(value => value.ValueKind == JsonValueKind.String
                || (value.ValueKind == JsonValueKind.Array && value.EnumerateArray().All(item => item.ValueKind == JsonValueKind.String)));
            if (isText && FieldPaths.IsKnown(FieldPaths.AttributesPrefix + attribute.Key))
                yield return (attribute.Key, kinds.Any(value => value.ValueKind == JsonValueKind.Array));
        }
    }

    // Nearest rank: the smallest value with at least p% of the values at or below it.
    private static decimal Percentile(IReadOnlyList<decimal> sorted, int percent)
    {
        var rank = (int)Math.Ceiling(percent * sorted.Count / 100m);
        return sorted[Math.Max(rank, 1) - 1];
    }

    /// <summary>The value rounded down (or up) to two significant figures: 12,345,678 → 12,000,000 (or 13,000,000).</summary>
    internal static decimal TwoSignificantFigures(decimal value, bool up)
    {
        if (value <= 0m)
            return value;
        var scale = 1m;
        while (value >= 100m * scale)
            scale *= 10m;
        while (value < 10m * scale)
            scale /= 10m;
        var units = value / scale;
        // Dividing by 1.000… drops the trailing zeros a fractional scale leaves (5.0 → 5).
        return (up ? Math.Ceiling(units) : Math.Floor(units)) * scale / 1.000000000000000000000000000m;
    }

    /// <summary>part / whole as a fraction rounded to four decimals, the precision evidence is shown in.</summary>
    internal static decimal Share(int part, int whole) =>
        whole == 0 ? 0m : Math.Round((decimal)part / whole, 4, MidpointRounding.AwayFromZero);

    private static string Describe(string field, IReadOnlyList<string> values)
    {
        var listed = values.Count == 1 ? values[0] : $"{string.Join(", ", values.Take(values.Count - 1))} or {values[^1]}";
        return field switch
        {
            FieldPaths.CompanyIndustry => $"industry {listed}",
            FieldPaths.CompanyCountry => $"country {listed}",
            FieldPaths.Signals => $"buying trigger {listed}",
            FieldPaths.PainPoints => $"pain point {listed}",
            FieldPaths.ContactSeniority => $"contact seniority {listed}",
            FieldPaths.ContactDepartment => $"contact department {listed}",
            _ => $"attribute {FieldPaths.AttributeName(field)} {listed}",
        };
    }

    private static string Number(decimal value) => value.ToString("#,0.##", CultureInfo.InvariantCulture);
}
