namespace GrowthKit.Bench.Refinement;

/// <summary>The area under the ROC curve of scores against outcomes, and a paired bootstrap of a difference.</summary>
public static class Auc
{
    /// <summary>
    /// Mann-Whitney: the chance that a random won deal scores above a random lost one, ties counting ½
    /// (average ranks). NaN without both outcomes.
    /// </summary>
    public static double Of(IReadOnlyList<double> scores, IReadOnlyList<bool> won)
    {
        ArgumentOutOfRangeException.ThrowIfNotEqual(scores.Count, won.Count);
        var order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        double rankSumWon = 0;
        long wins = 0;
        for (var start = 0; start < order.Length;)
        {
            var end = start;
            while (end + 1 < order.Length && scores[order[end + 1]] == scores[order[start]]) end++;
            var rank = (start + end) / 2.0 + 1; // the average rank of a run of ties, 1-based
            for (var k = start; k <= end; k++)
            {
                if (!won[order[k]]) continue;
                rankSumWon += rank;
                wins++;
            }
            start = end + 1;
        }
        long losses = scores.Count - wins;
        if (wins == 0 || losses == 0) return double.NaN;
        return (rankSumWon - wins * (wins + 1) / 2.0) / ((double)wins * losses);
    }

    /// <summary>
    /// The 2.5 % and 97.5 % quantiles of AUC(a) − AUC(b) over <paramref name="resamples"/> paired
    /// bootstrap resamples of the deals (seeded): how much of a gap the holdout's size alone explains.
    /// </summary>
    public static (double Low, double High) DifferenceInterval(IReadOnlyList<double> a, IReadOnlyList<double> b,
        IReadOnlyList<bool> won, int resamples = 1000, int seed = 1)
    {
        var random = new Random(seed);
        var n = won.Count;
        var differences = new double[resamples];
        var sa = new double[n];
        var sb = new double[n];
        var sw = new bool[n];
        for (var r = 0; r < resamples; r++)
        {
            for (var i = 0; i < n; i++)
            {
                var j = random.Next(n);
                sa[i] = a[j];
                sb[i] = b[j];
                sw[i] = won[j];
            }
            differences[r] = Of(sa, sw) - Of(sb, sw);
        }
        Array.Sort(differences);
        return (differences[(int)(0.025 * (resamples - 1))], differences[(int)Math.Ceiling(0.975 * (resamples - 1))]);
    }
}
