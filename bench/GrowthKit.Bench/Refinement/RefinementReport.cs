using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GrowthKit.Bench.Refinement;

/// <summary>The refinement run's table on the console and its JSON file.</summary>
public static class RefinementReport
{
    private static readonly CultureInfo Invariant = CultureInfo.InvariantCulture;

    public static void Print(RefinementResults r)
    {
        Console.WriteLine();
        if (r.Market is { } m)
        {
            Console.WriteLine($"GrowthKit refinement benchmark — {m.Companies:N0} companies, {m.Deals:N0} closed deals: "
                              + $"{m.TrainingDeals:N0} training ({Share(m.TrainingWon, m.TrainingDeals)} won), "
                              + $"{m.HoldoutDeals:N0} holdout ({Share(m.HoldoutWon, m.HoldoutDeals)} won, closed from {m.HoldoutFrom:yyyy-MM-dd})");
        }
        if (r.Holdout is { } h)
        {
            var t = r.Training;
            string Cell(double? x) => x is { } v && !double.IsNaN(v) ? v.ToString("0.000", Invariant) : "—";
            var rows = new List<string[]>
            {
                new[] { "stated ICP (v1, as the team wrote it)", Cell(h.Stated), Cell(t?.Stated) },
                new[] { $"refined ICP (v{r.RefinedVersion?.ToString(Invariant) ?? "?"}, {r.RefinedCriteriaCount?.ToString(Invariant) ?? "?"} criteria)", Cell(h.Refined), Cell(t?.Refined) },
                new[] { $"logistic regression, offline ({r.LogisticFeatures} features, λ {r.LogisticLambda})", Cell(h.Logistic), Cell(t?.Logistic) },
                new[] { "hidden truth (the win probability itself)", Cell(h.Truth), Cell(t?.Truth) },
                new[] { $"  for reference: the regression as an ICP ({r.LogisticAsIcpCriteria} criteria, one per value)", Cell(r.LogisticAsIcpHoldoutAuc), "" },
            };
            PrintTable(["ranking", "holdout AUC", "training AUC"], rows);
            if (r.GapToLogistic is { } gap)
            {
                Console.WriteLine($"  logistic − refined on the holdout: {gap:+0.000;-0.000} (95 % paired bootstrap {r.GapLow:+0.000;-0.000} … {r.GapHigh:+0.000;-0.000}); "
                                  + $"aim ≤ {RefinementResults.AimGapToLogistic:0.00}: {(r.AimReached == true ? "reached" : "NOT reached")}");
            }
            else if (h.Refined is null)
            {
                Console.WriteLine("  (no refined ICP: " + (r.Options.Offline ? "offline run)" : "the run did not get that far)"));
            }
        }

        if (r.RefinedCriteria is { } refined)
        {
            Console.WriteLine();
            Console.WriteLine($"Refined ICP v{r.RefinedVersion} ({r.RefinedCriteriaCount} criteria over {r.RefinedValueCount} values):");
            foreach (var line in refined) Console.WriteLine("  " + line);
        }
        if (r.StatedCriteria is { } stated)
        {
            Console.WriteLine("Stated ICP v1:");
            foreach (var line in stated) Console.WriteLine("  " + line);
        }
        if (r.Decisions.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine("Proposals decided:");
            PrintTable(["round", "decision", "version", "service: current → expected AUC", "holdout AUC"],
                [.. r.Decisions.Select(d => new[]
                {
                    d.Round.ToString(Invariant), d.Decision, d.Version is { } v ? "v" + v.ToString(Invariant) : "",
                    d.CurrentAuc is null && d.ExpectedAuc is null ? "" : $"{d.CurrentAuc:0.000} → {d.ExpectedAuc:0.000}",
                    d.HoldoutAucOfVersion is { } a ? a.ToString("0.000", Invariant) : "",
                })]);
        }
        if (r.RefinementStopped is not null) Console.WriteLine($"  refinement stopped: {r.RefinementStopped}");
        if (r.CrossChecks.Count > 0)
        {
            Console.WriteLine();
            Console.WriteLine("Cross-checks (the system's own figures against the ones computed here):");
            foreach (var c in r.CrossChecks)
                Console.WriteLine($"  {(c.Agrees ? "✓" : "✗")} {c.What}: system {Figure(c.System)}, here {Figure(c.Local)}{(c.Note is null ? "" : $" ({c.Note})")}");
        }
        if (r.LogisticTopCoefficients is { } coefficients)
        {
            Console.WriteLine();
            Console.WriteLine("Offline regression, largest coefficients (log-odds):");
            foreach (var line in coefficients) Console.WriteLine("  " + line);
        }
        Console.WriteLine();
        var times = new List<string>();
        if (r.SystemStartSeconds is { } s) times.Add($"system up {s:0} s");
        if (r.LeadsSeconds is { } l) times.Add($"{r.LeadsAccepted:N0} leads pushed and scored {l:0} s");
        if (r.DealsSeconds is { } d2) times.Add($"{r.DealsAccepted:N0} training deals {d2:0} s");
        if (r.RefinementSeconds is { } rf) times.Add($"refinement {rf:0} s");
        if (r.TotalSeconds is { } total) times.Add($"whole run {total:0} s");
        Console.WriteLine("Time: " + string.Join(", ", times) + (r.HttpRetries > 0 ? $"; {r.HttpRetries} HTTP retries" : ""));
        foreach (var w in r.Warnings) Console.WriteLine("  warning: " + w);
        if (r.Failure is not null) Console.WriteLine($"FAILED at \"{r.FailedStep}\": {r.Failure}");
    }

    public static string Write(RefinementResults r, string directory)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, $"refinement-{r.RunAt:yyyyMMdd-HHmmss}-{r.Options.Companies}.json");
        var options = new JsonSerializerOptions
        {
            WriteIndented = true,
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
            Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        };
        File.WriteAllText(path, JsonSerializer.Serialize(r, options));
        return path;
    }

    /// <summary>An AUC with four decimals; a count (a whole number above 1) as it is.</summary>
    public static string Figure(double? x) =>
        x is not { } v ? "—" : v > 1 && v == Math.Round(v) ? v.ToString("0", Invariant) : v.ToString("0.0000", Invariant);

    private static string Share(int part, int whole) => whole == 0 ? "—" : ((double)part / whole).ToString("P0", Invariant);

    internal static void PrintTable(string[] header, IReadOnlyList<string[]> rows)
    {
        var widths = header.Select((h, i) => Math.Max(h.Length, rows.Count == 0 ? 0 : rows.Max(r => r[i].Length))).ToArray();
        string Line(string[] cells) => string.Join("  ", cells.Select((c, i) =>
            i > 0 && c.Length > 0 && (char.IsDigit(c[0]) || c[0] == '—') ? c.PadLeft(widths[i]) : c.PadRight(widths[i]))).TrimEnd();
        Console.WriteLine(Line(header));
        Console.WriteLine(string.Join("  ", widths.Select(w => new string('-', w))));
        foreach (var row in rows) Console.WriteLine(Line(row));
    }
}
