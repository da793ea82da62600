namespace GrowthKit.Bench.Refinement;

/// <summary>
/// The market's hidden win probability: logistic in a handful of traits, plus one interaction that
/// no additive model (neither an ICP nor the offline regression) can express exactly. Only the
/// benchmark knows it; the system sees outcomes drawn from it.
/// </summary>
/// <remarks>
/// Where the stated ICP (<see cref="StatedIcp"/>) is wrong, on purpose:
/// <list type="bullet">
/// <item>region: it wants DACH; in truth DACH is average and the US, GB and NL win;</item>
/// <item>triggers: it wants funding rounds (nearly worthless) and misses fleet expansion and peak season;</item>
/// <item>size: it weighs 50–500 employees heavily; in truth size matters less and 201–1,000 is best;</item>
/// <item>it misses late deliveries (a pain), senior contacts and Manufacturing;</item>
/// </list>
/// and where it is right: logistics and wholesale, manual dispatch, sales contacts and tiny companies lose.
/// </remarks>
public static class HiddenTruth
{
    public const string Formula =
        "logit p = b0 + 1.3·transport + 0.9·wholesale + 0.5·manufacturing − 0.4·information"
        + " − 2.0·(<11 empl.) − 0.5·(11–50) + 0.2·(51–200) + 0.6·(201–1000) + 0.3·(1001–5000) − 0.3·(>5000)"
        + " + 0.9·(US|GB) + 0.7·NL + 0.1·DE + 1.1·fleet_expansion + 0.5·peak_season + 0.3·rapid_hiring + 0.15·funding_round − 0.4·cost_cutting"
        + " + 0.8·manual_dispatch + 0.7·late_deliveries + 0.4·poor_visibility + 0.5·senior contact − 0.4·individual contributor"
        + " + 0.4·(operations|logistics) − 0.6·sales + 0.4·(transport ∧ manual_dispatch)";

    public static double Logit(MarketCompany c, double intercept)
    {
        var x = intercept;
        x += c.Industry switch
        {
            "Transportation and Warehousing" => 1.3,
            "Wholesale Trade" => 0.9,
            "Manufacturing" => 0.5,
            "Information" => -0.4,
            _ => 0,
        };
        x += c.EmployeeCount switch
        {
            <= 10 => -2.0,
            <= 50 => -0.5,
            <= 200 => 0.2,
            <= 1000 => 0.6,
            <= 5000 => 0.3,
            _ => -0.3,
        };
        x += c.Country switch
        {
            "US" or "GB" => 0.9,
            "NL" => 0.7,
            "DE" => 0.1,
            _ => 0,
        };
        if (c.Signals.Contains("fleet_expansion")) x += 1.1;
        if (c.Signals.Contains("peak_season")) x += 0.5;
        if (c.Signals.Contains("rapid_hiring")) x += 0.3;
        if (c.Signals.Contains("funding_round")) x += 0.15;
        if (c.Signals.Contains("cost_cutting")) x -= 0.4;
        if (c.PainPoints.Contains("manual_dispatch")) x += 0.8;
        if (c.PainPoints.Contains("late_deliveries")) x += 0.7;
        if (c.PainPoints.Contains("poor_visibility")) x += 0.4;
        x += c.Seniority switch
        {
            "c_level" or "vp" or "head" or "director" => 0.5,
            "individual_contributor" => -0.4,
            _ => 0,
        };
        x += c.Department switch
        {
            "operations" or "logistics" => 0.4,
            "sales" => -0.6,
            _ => 0,
        };
        if (c.Industry == "Transportation and Warehousing" && c.PainPoints.Contains("manual_dispatch")) x += 0.4;
        return x;
    }

    public static double Probability(MarketCompany c, double intercept) => 1 / (1 + Math.Exp(-Logit(c, intercept)));

    /// <summary>The intercept at which the mean win probability over <paramref name="companies"/> is <paramref name="winRate"/> (bisection).</summary>
    public static double InterceptFor(IReadOnlyList<MarketCompany> companies, double winRate) =>
        InterceptFor(companies, winRate, Logit);

    /// <summary>As above, for any logit.</summary>
    public static double InterceptFor(IReadOnlyList<MarketCompany> companies, double winRate, Func<MarketCompany, double, double> logit)
    {
        double lo = -12, hi = 6;
        for (var i = 0; i < 60; i++)
        {
            var mid = (lo + hi) / 2;
            var mean = companies.Count == 0 ? winRate : companies.Average(c => 1 / (1 + Math.Exp(-logit(c, mid))));
            if (mean < winRate) lo = mid; else hi = mid;
        }
        return (lo + hi) / 2;
    }
}
