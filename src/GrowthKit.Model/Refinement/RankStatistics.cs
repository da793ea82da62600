namespace GrowthKit.Model;

/// <summary>How well a score separates wins from losses.</summary>
public static class RankStatistics
{
    /// <summary>
    /// The area under the ROC curve, computed as the Mann-Whitney U statistic: the share of (win, loss)
    /// pairs in which the win scores higher, a tie counting one half. Null without a win or a loss.
    /// </summary>
    public static double? Auc(IReadOnlyList<(decimal Score, bool Won)> scored)
    {
        ArgumentNullException.ThrowIfNull(scored);
        var wins = scored.Count(s => s.Won);
        var losses = scored.Count - wins;
        if (wins == 0 || losses == 0) return null;

        // Mid-ranks over ties: the rank sum of the wins gives U without comparing every pair.
        var ordered = scored.OrderBy(s => s.Score).ToList();
        var winRankSum = 0.0;
        for (var start = 0; start < ordered.Count;)
        {
            var end = start;
            while (end + 1 < ordered.Count && ordered[end + 1].Score == ordered[start].Score) end++;
            var midRank = (start + end) / 2.0 + 1; // ranks are 1-based
            for (var i = start; i <= end; i++)
            {
                if (ordered[i].Won) winRankSum += midRank;
            }
            start = end + 1;
        }
        var u = winRankSum - wins * (wins + 1) / 2.0;
        return u / ((double)wins * losses);
    }
}
