namespace GrowthKit.Model;

/// <summary>Closed-form intervals and the paired bootstrap the proposals rest on.</summary>
public static class Intervals
{
    /// <summary>The Wilson score interval (95 % by default) of <paramref name="won"/> out of <paramref name="deals"/>: sound near 0 and 1, unlike the normal one.</summary>
    public static (double Low, double High) Wilson(int won, int deals, double z = 1.959964)
    {
        if (deals <= 0) return (0, 1);
        var p = (double)won / deals;
        var z2 = z * z;
        var centre = (p + z2 / (2 * deals)) / (1 + z2 / deals);
        var half = z * Math.Sqrt(p * (1 - p) / deals + z2 / (4.0 * deals * deals)) / (1 + z2 / deals);
        return (Math.Max(0, centre - half), Math.Min(1, centre + half));
    }

    /// <summary>The AUC of real-valued scores (Mann-Whitney, ties ½); 0.5 without both outcomes.</summary>
    public static double Auc(IReadOnlyList<double> scores, IReadOnlyList<bool> won)
    {
        var order = Enumerable.Range(0, scores.Count).OrderBy(i => scores[i]).ToArray();
        double rankSum = 0;
        long wins = 0;
        for (var start = 0; start < order.Length;)
        {
            var end = start;
            while (end + 1 < order.Length && scores[order[end + 1]] == scores[order[start]]) end++;
            var rank = (start + end) / 2.0 + 1;
            for (var k = start; k <= end; k++)
            {
                if (!won[order[k]]) continue;
                rankSum += rank;
                wins++;
            }
            start = end + 1;
        }
        long losses = scores.Count - wins;
        return wins == 0 || losses == 0 ? 0.5 : (rankSum - wins * (wins + 1) / 2.0) / ((double)wins * losses);
    }

    /// <summary>
    /// The paired bootstrap of AUC(<paramref name="after"/>) − AUC(<paramref name="before"/>) over the same deals,
    /// with a fixed seed: the gain measured, and the share of resamples in which it is 0 or less (how likely
    /// the holdout's noise alone shows such a gain).
    /// </summary>
    public static (double Gain, double ShareNotBetter, double Low, double High) PairedAucGain(
        IReadOnlyList<double> before, IReadOnlyList<double> after, IReadOnlyList<bool> won, int resamples, int seed = 4711)
    {
        var gain = Auc(after, won) - Auc(before, won);
        if (resamples <= 0) return (gain, gain > 0 ? 0 : 1, gain, gain);
        var random = new Random(seed);
        var n = won.Count;
        var (a, b, w) = (new double[n], new double[n], new bool[n]);
        var gains = new double[resamples];
        var notBetter = 0;
        for (var r = 0; r < resamples; r++)
        {
            for (var i = 0; i < n; i++)
            {
                var j = random.Next(n);
                (a[i], b[i], w[i]) = (before[j], after[j], won[j]);
            }
            gains[r] = Auc(b, w) - Auc(a, w);
            if (gains[r] <= 0) notBetter++;
        }
        Array.Sort(gains);
        return (gain, (double)notBetter / resamples, gains[(int)(0.025 * (resamples - 1))], gains[(int)Math.Ceiling(0.975 * (resamples - 1))]);
    }
}
