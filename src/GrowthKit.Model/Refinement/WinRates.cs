namespace GrowthKit.Model;

/// <summary>
/// Win rates of a group of deals against the rest, and how far to trust them. Hand-written: a few
/// closed-form estimates, no statistics library needed.
/// </summary>
public static class WinRates
{
    /// <summary>
    /// Pseudo-deals of the Beta prior centred on the base rate: a value seen in n deals moves its
    /// shrunk win rate n / (n + 10) of the way from the base rate to its own rate, so a handful of
    /// deals cannot make it look decisive.
    /// </summary>
    public const double PriorStrength = 10;

    public static double? Rate(int won, int deals) => deals == 0 ? null : (double)won / deals;

    /// <summary>The posterior mean of a Beta(m·base, m·(1 − base)) prior after <paramref name="won"/> of <paramref name="deals"/>.</summary>
    public static double Shrunk(int won, int deals, double baseRate, double priorStrength = PriorStrength) =>
        (won + priorStrength * baseRate) / (deals + priorStrength);

    public static double? Lift(double? rate, double baseRate) => rate is { } r && baseRate > 0 ? r / baseRate : null;

    /// <summary>
    /// The two-proportion z statistic of the group (won1 of n1) against the rest (won2 of n2), with the
    /// pooled rate: how many standard errors apart the two rates are. 0 when either side is empty.
    /// </summary>
    public static double Z(int won1, int n1, int won2, int n2)
    {
        if (n1 == 0 || n2 == 0) return 0;
        var pooled = (double)(won1 + won2) / (n1 + n2);
        var variance = pooled * (1 - pooled) * (1.0 / n1 + 1.0 / n2);
        return variance <= 0 ? 0 : ((double)won1 / n1 - (double)won2 / n2) / Math.Sqrt(variance);
    }

    /// <summary>How much evidence stands behind a difference: strong, moderate or weak.</summary>
    public static string Evidence(double z, int deals) => Math.Abs(z) switch
    {
        >= 2.58 when deals >= 30 => "strong",
        >= 1.96 when deals >= 10 => "moderate",
        _ => "weak",
    };
}
