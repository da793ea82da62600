using System.Text.Json.Nodes;
using GrowthKit.Model;

namespace GrowthKit.Bench.Refinement;

/// <summary>
/// The offline yardstick: an L2-regularised logistic regression over one-hot features of the lead's
/// attributes (industry, size band, country, each signal, each pain, seniority, department), fitted by
/// Newton's method (IRLS) with a hand-written Cholesky solve — some 60 features, so no numerics
/// package is needed. The intercept is not penalised. The strength λ is chosen on a time-ordered split
/// of the training deals (earlier 80 % fit, later 20 % judge by AUC), then the model is refitted on
/// every training deal: it sees exactly what the system sees, nothing of the holdout.
/// </summary>
public sealed class OfflineLogisticRegression
{
    public static readonly double[] Lambdas = [0.1, 0.3, 1, 3, 10, 30, 100];

    private readonly IReadOnlyList<string> _features;
    private readonly Dictionary<string, int> _index;
    private double[] _beta;

    public double Lambda { get; private set; }
    public double ValidationAuc { get; private set; }
    public int Iterations { get; private set; }
    public int FeatureCount => _features.Count;

    private OfflineLogisticRegression(IReadOnlyList<string> features)
    {
        _features = features;
        _index = features.Select((f, i) => (f, i)).ToDictionary(p => p.f, p => p.i);
        _beta = new double[features.Count + 1];
    }

    /// <summary>The names of the features that are set for a company (index 0 is the intercept, implicit).</summary>
    public static IEnumerable<string> Features(MarketCompany c)
    {
        yield return "company.industry=" + c.Industry;
        yield return "company.employeeCount=" + (Taxonomy.CompanySizes.FirstOrDefault(b => c.EmployeeCount >= b.Min && (b.Max is null || c.EmployeeCount <= b.Max))?.Value ?? "?");
        yield return "company.country=" + c.Country;
        yield return "company.annualRevenue=" + RevenueBand(c.AnnualRevenue);
        foreach (var s in c.Signals) yield return "signals=" + s;
        foreach (var p in c.PainPoints) yield return "painPoints=" + p;
        yield return "contact.seniority=" + c.Seniority;
        yield return "contact.department=" + c.Department;
    }

    /// <summary>Revenue in fixed bands (a decade of log-revenue, halved), "unknown" when not given.</summary>
    public static string RevenueBand(long? revenue) => revenue switch
    {
        null => "unknown",
        < 1_000_000 => "<1M",
        < 5_000_000 => "1M-5M",
        < 20_000_000 => "5M-20M",
        < 100_000_000 => "20M-100M",
        < 500_000_000 => "100M-500M",
        _ => "500M+",
    };

    public static OfflineLogisticRegression Fit(IReadOnlyList<MarketDeal> training)
    {
        var features = training.SelectMany(d => Features(d.Company)).Distinct().Order(StringComparer.Ordinal).ToList();
        var model = new OfflineLogisticRegression(features);

        var cut = (int)Math.Round(training.Count * 0.8);
        var fit = training.Take(cut).ToList();
        var judge = training.Skip(cut).ToList();
        var best = (Lambda: 1.0, Auc: double.NegativeInfinity);
        foreach (var lambda in Lambdas)
        {
            model.Train(fit, lambda);
            var auc = Auc.Of(judge.Select(d => model.Score(d.Company)).ToList(), judge.Select(d => d.Won).ToList());
            if (auc > best.Auc + 1e-9) best = (lambda, auc);
        }
        model.Train(training, best.Lambda);
        model.Lambda = best.Lambda;
        model.ValidationAuc = best.Auc;
        return model;
    }

    /// <summary>The fitted log-odds of winning.</summary>
    public double Score(MarketCompany c)
    {
        var x = _beta[0];
        foreach (var f in Features(c))
        {
            if (_index.TryGetValue(f, out var i)) x += _beta[i + 1];
        }
        return x;
    }

    /// <summary>The fitted coefficients, largest magnitude first (for the report).</summary>
    public IEnumerable<(string Feature, double Weight)> Coefficients() =>
        _features.Select((f, i) => (f, _beta[i + 1])).OrderByDescending(p => Math.Abs(p.Item2));

    /// <summary>
    /// The regression written in the criteria language: one criterion per feature whose coefficient
    /// rounds to a non-zero weight (10 points per unit of log-odds). A score is linear in the matched
    /// weights, so this ranks leads as the regression does, up to rounding: the ceiling of an ICP
    /// that gives up readability.
    /// </summary>
    public JsonObject AsIcp()
    {
        var criteria = new JsonArray();
        foreach (var (feature, beta) in Coefficients())
        {
            var weight = (int)Math.Round(10 * beta, MidpointRounding.AwayFromZero);
            if (weight == 0) continue;
            var (field, value) = (feature[..feature.IndexOf('=')], feature[(feature.IndexOf('=') + 1)..]);
            var criterion = new JsonObject { ["key"] = $"f{criteria.Count + 1}", ["field"] = field };
            if (field == "company.annualRevenue") continue; // fixed bands of revenue have no criterion here
            if (field == "company.employeeCount" && Taxonomy.FindSizeBand(value) is { } band)
            {
                if (band.Max is { } max)
                {
                    criterion["operator"] = "between";
                    criterion["min"] = band.Min;
                    criterion["max"] = max;
                }
                else
                {
                    criterion["operator"] = "gte";
                    criterion["value"] = band.Min;
                }
            }
            else
            {
                criterion["operator"] = field is "signals" or "painPoints" ? "anyOf" : "in";
                criterion["values"] = new JsonArray(value);
            }
            criterion["weight"] = weight;
            criteria.Add(criterion);
        }
        return new JsonObject { ["name"] = "The offline regression as an ICP", ["criteria"] = criteria };
    }

    private void Train(IReadOnlyList<MarketDeal> deals, double lambda)
    {
        var d = _features.Count + 1;
        var rows = deals.Select(deal => new[] { 0 }.Concat(Features(deal.Company).Where(_index.ContainsKey).Select(f => _index[f] + 1)).ToArray()).ToList();
        var y = deals.Select(deal => deal.Won ? 1.0 : 0.0).ToArray();
        var beta = new double[d];
        Iterations = 0;
        for (var iteration = 0; iteration < 100; iteration++)
        {
            Iterations = iteration + 1;
            var h = new double[d, d];
            var g = new double[d];
            for (var r = 0; r < rows.Count; r++)
            {
                var eta = rows[r].Sum(j => beta[j]);
                var p = 1 / (1 + Math.Exp(-eta));
                var w = Math.Max(p * (1 - p), 1e-10);
                foreach (var j in rows[r])
                {
                    g[j] += y[r] - p;
                    foreach (var k in rows[r]) h[j, k] += w;
                }
            }
            for (var j = 1; j < d; j++)
            {
                h[j, j] += lambda;
                g[j] -= lambda * beta[j];
            }
            h[0, 0] += 1e-9;
            var step = Cholesky.Solve(h, g);
            var largest = 0.0;
            for (var j = 0; j < d; j++)
            {
                beta[j] += step[j];
                largest = Math.Max(largest, Math.Abs(step[j]));
            }
            if (largest < 1e-9) break;
        }
        _beta = beta;
    }

    private static class Cholesky
    {
        /// <summary>Solves A x = b for a symmetric positive definite A.</summary>
        public static double[] Solve(double[,] a, double[] b)
        {
            var n = b.Length;
            var l = new double[n, n];
            for (var i = 0; i < n; i++)
            {
                for (var j = 0; j <= i; j++)
                {
                    var sum = a[i, j];
                    for (var k = 0; k < j; k++) sum -= l[i, k] * l[j, k];
                    if (i == j)
                    {
                        if (sum <= 0) throw new InvalidOperationException("the regression's Hessian is not positive definite");
                        l[i, i] = Math.Sqrt(sum);
                    }
                    else
                    {
                        l[i, j] = sum / l[j, j];
                    }
                }
            }
            var z = new double[n];
            for (var i = 0; i < n; i++)
            {
                var sum = b[i];
                for (var k = 0; k < i; k++) sum -= l[i, k] * z[k];
                z[i] = sum / l[i, i];
            }
            var x = new double[n];
            for (var i = n - 1; i >= 0; i--)
            {
                var sum = z[i];
                for (var k = i + 1; k < n; k++) sum -= l[k, i] * x[k];
                x[i] = sum / l[i, i];
            }
            return x;
        }
    }
}
