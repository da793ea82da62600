using System.Text.Json;

namespace GrowthKit.Model;

/// <summary>A learned range of a numeric field: <see cref="Min"/> (inclusive) to <see cref="Max"/> (inclusive); null is open.</summary>
public sealed record NumericBin(decimal? Min, decimal? Max)
{
    public bool Contains(decimal x) => (Min is null || x >= Min) && (Max is null || x <= Max);

    public string Label => (Min, Max) switch
    {
        (null, { } max) => $"≤{max:0.##}",
        ({ } min, null) => $"≥{min:0.##}",
        ({ } min, { } max) => $"{min:0.##}-{max:0.##}",
        _ => "any",
    };
}

/// <summary>
/// Cut points learned from the deals rather than taken from the stated ICP or a fixed taxonomy: the
/// quantiles of the field's values, rounded to two significant digits (so a sales lead reads "120"
/// rather than "117"), each range holding enough deals to be fitted.
/// </summary>
public static class NumericCuts
{
    /// <summary>The numeric fields whose ranges refinement learns.</summary>
    public static IReadOnlyList<string> Fields { get; } = [FieldPaths.CompanyEmployeeCount, FieldPaths.CompanyAnnualRevenue];

    /// <summary>The lower edges of the company-size bands (<see cref="Taxonomy.CompanySizes"/>) for employee counts; none for other fields.</summary>
    public static IReadOnlyList<decimal> Conventional(string field) =>
        field == FieldPaths.CompanyEmployeeCount ? [.. Taxonomy.CompanySizes.Skip(1).Select(b => b.Min)] : [];

    public static decimal? Value(JsonElement lead, string field) =>
        LeadPath.Resolve(lead, field) is { ValueKind: JsonValueKind.Number } n && n.TryGetDecimal(out var x) ? x : null;

    /// <summary>Up to <paramref name="bins"/> contiguous ranges covering every value, each with at least <paramref name="minSupport"/> of them.</summary>
    public static IReadOnlyList<NumericBin> Learn(IReadOnlyList<decimal> values, int bins, int minSupport) =>
        Learn(values, bins, minSupport, []);

    /// <summary>As above, with <paramref name="conventional"/> cut points (the bands sales teams use) offered beside the quantiles.</summary>
    public static IReadOnlyList<NumericBin> Learn(IReadOnlyList<decimal> values, int bins, int minSupport, IReadOnlyList<decimal> conventional)
    {
        if (values.Count < 2 * minSupport || bins < 2) return [];
        var sorted = values.Order().ToArray();
        var cuts = new List<decimal>();
        for (var k = 1; k < bins; k++)
        {
            var cut = Nice(sorted[(int)((long)k * sorted.Length / bins)]);
            if (cut > sorted[0]) cuts.Add(cut);
        }
        cuts.AddRange(conventional.Where(c => c > sorted[0] && c <= sorted[^1]));
        cuts = [.. cuts.Distinct().Order()];
        // Merge ranges that hold too few deals into their neighbour.
        bool Merged()
        {
            var edges = new List<decimal?> { null };
            edges.AddRange(cuts.Select(c => (decimal?)c));
            edges.Add(null);
            for (var i = 0; i + 1 < edges.Count; i++)
            {
                var count = sorted.Count(x => (edges[i] is null || x >= edges[i]) && (edges[i + 1] is null || x < edges[i + 1]));
                if (count >= minSupport) continue;
                if (cuts.Count == 0) return false;
                cuts.RemoveAt(Math.Min(i, cuts.Count - 1));
                return true;
            }
            return false;
        }
        while (Merged()) { }
        if (cuts.Count == 0) return [];
        var result = new List<NumericBin> { new(null, cuts[0] - Unit(cuts[0])) };
        for (var i = 0; i + 1 < cuts.Count; i++) result.Add(new NumericBin(cuts[i], cuts[i + 1] - Unit(cuts[i + 1])));
        result.Add(new NumericBin(cuts[^1], null));
        return result;
    }

    /// <summary>Two significant digits: 117 → 120, 23,456,000 → 23,000,000.</summary>
    public static decimal Nice(decimal x)
    {
        if (x <= 0) return Math.Round(x);
        var digits = (int)Math.Floor(Math.Log10((double)x));
        var unit = (decimal)Math.Pow(10, Math.Max(0, digits - 1));
        return Math.Round(x / unit, MidpointRounding.AwayFromZero) * unit;
    }

    // Values of these fields are whole numbers: the range below a cut ends one below it.
    private static decimal Unit(decimal cut) => cut == Math.Floor(cut) ? 1 : 0.01m;
}
