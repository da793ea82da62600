using GrowthKit.Model;

namespace GrowthKit.Bench.Refinement;

/// <summary>The kinds of market the family holds.</summary>
public enum MarketShape
{
    /// <summary>Effects add up on the log-odds scale (what an ICP and the regression can both express).</summary>
    Additive,
    /// <summary>Additive, plus two values that almost never win (a disqualifier's job).</summary>
    KnockOut,
    /// <summary>Size and revenue matter inside a sweet spot that is not the stated 50–500 employees.</summary>
    SweetSpot,
    /// <summary>Additive, with just over 40 won and 40 lost training deals.</summary>
    Sparse,
}

/// <summary>
/// One market of the family: the companies of <see cref="SyntheticMarket"/>, but a hidden truth drawn
/// from the seed (which values matter and how much), a win rate between 5 % and 40 %, training deals
/// closed one after another, and a large holdout of later deals so the gaps measured are not the
/// holdout's noise.
/// </summary>
public sealed class FamilyMarket
{
    public const int HoldoutDeals = 4_000;

    public MarketShape Shape { get; }
    public int Seed { get; }
    public double WinRate { get; }
    public string Description { get; }
    public IReadOnlyList<MarketCompany> Companies { get; }
    public IReadOnlyList<MarketDeal> Training { get; }
    public IReadOnlyList<MarketDeal> Holdout { get; }

    private readonly Dictionary<string, double> _effects = new(StringComparer.Ordinal);
    private readonly (int Low, int High) _sizeSpot;
    private readonly (long Low, long High) _revenueSpot;
    private readonly double _intercept;

    /// <param name="trainingDeals">Training deals; ignored by <see cref="MarketShape.Sparse"/> (it draws until 45 won or 45 lost).</param>
    public FamilyMarket(MarketShape shape, int seed, int trainingDeals = 2_000)
    {
        Shape = shape;
        Seed = seed;
        var random = new Random(1_000 * seed + (int)shape); // HashCode.Combine is salted per process: not reproducible
        WinRate = 0.05 + 0.35 * random.NextDouble();

        // The hidden truth: each value's effect drawn from the seed; lists (signals, pains) mostly do nothing.
        void Draw(string field, IEnumerable<string> values, double sd, double share)
        {
            foreach (var v in values)
                _effects[$"{field}={v}"] = random.NextDouble() < share ? sd * SyntheticMarket.Normal(random) : 0;
        }
        Draw("industry", Vocabulary.Industries, 0.6, 1);
        Draw("country", Vocabulary.Countries, 0.5, 1);
        Draw("signal", SyntheticMarket.Signals, 0.8, 0.5);
        Draw("pain", SyntheticMarket.Pains, 0.7, 0.5);
        Draw("seniority", Vocabulary.Seniorities, 0.4, 1);
        Draw("department", Vocabulary.Departments, 0.4, 1);
        Draw("size", Taxonomy.CompanySizes.Select(b => b.Value), shape == MarketShape.SweetSpot ? 0 : 0.5, 1);
        var spotLow = (int)Math.Round(Math.Exp(Math.Log(120) + random.NextDouble() * Math.Log(6)));          // 120 … 720
        _sizeSpot = (spotLow, (int)Math.Round(spotLow * (3 + 5 * random.NextDouble())));                     // 3–8 times wider
        var revenueLow = (long)Math.Round(Math.Exp(Math.Log(5e6) + random.NextDouble() * Math.Log(10)));     // 5M … 50M
        _revenueSpot = (revenueLow, (long)(revenueLow * (4 + 6 * random.NextDouble())));
        var knockOuts = new List<string>();
        if (shape == MarketShape.KnockOut)
        {
            var department = Vocabulary.Departments[random.Next(Vocabulary.Departments.Length)];
            var country = Vocabulary.Countries[random.Next(Vocabulary.Countries.Length)];
            _effects[$"department={department}"] = -6;
            _effects[$"country={country}"] = -6;
            knockOuts.AddRange([$"department {department}", $"country {country}"]);
        }

        // The intercept is set on a sample of the market so that it wins at about the drawn rate.
        var sample = Enumerable.Range(0, 20_000).Select(i => SyntheticMarket.Draw(i, random)).ToList();
        _intercept = HiddenTruth.InterceptFor(sample, WinRate, Logit);

        // Deals in order of closing: the training deals first, then the holdout; one company each.
        var companies = new List<MarketCompany>();
        var deals = new List<MarketDeal>();
        MarketDeal Next()
        {
            var drawn = SyntheticMarket.Draw(companies.Count, random);
            var company = drawn with { WinProbability = 1 / (1 + Math.Exp(-Logit(drawn, _intercept))) };
            companies.Add(company);
            var deal = new MarketDeal($"deal-{company.ExternalId}", company, random.NextDouble() < company.WinProbability, 10_000,
                SyntheticMarket.FirstClose.AddHours(deals.Count), null);
            deals.Add(deal);
            return deal;
        }
        var (won, lost) = (0, 0);
        while (shape == MarketShape.Sparse ? Math.Min(won, lost) < 45 : deals.Count < trainingDeals)
        {
            if (Next().Won) won++; else lost++;
        }
        Training = [.. deals];
        for (var k = 0; k < HoldoutDeals; k++) Next();
        Holdout = [.. deals.Skip(Training.Count)];
        Companies = companies;
        Description = shape switch
        {
            MarketShape.KnockOut => $"knock-outs: {string.Join(", ", knockOuts)}",
            MarketShape.SweetSpot => $"sweet spot {_sizeSpot.Low:N0}–{_sizeSpot.High:N0} employees, revenue {_revenueSpot.Low / 1e6:0}M–{_revenueSpot.High / 1e6:0}M",
            _ => "additive",
        };
    }

    public double Logit(MarketCompany c, double intercept)
    {
        var x = intercept + E("industry", c.Industry) + E("country", c.Country) + E("seniority", c.Seniority) + E("department", c.Department);
        x += c.Signals.Sum(s => E("signal", s)) + c.PainPoints.Sum(p => E("pain", p));
        x += E("size", Taxonomy.CompanySizes.First(b => c.EmployeeCount >= b.Min && (b.Max is null || c.EmployeeCount <= b.Max)).Value);
        if (Shape == MarketShape.SweetSpot)
        {
            if (c.EmployeeCount >= _sizeSpot.Low && c.EmployeeCount <= _sizeSpot.High) x += 1.5;
            if (c.AnnualRevenue is { } r && r >= _revenueSpot.Low && r <= _revenueSpot.High) x += 1.0;
        }
        return x;
    }

    private double E(string field, string value) => _effects.GetValueOrDefault($"{field}={value}");

    /// <summary>The values the companies draw from (those of <see cref="SyntheticMarket"/>).</summary>
    private static class Vocabulary
    {
        public static readonly string[] Industries =
        [
            "Transportation and Warehousing", "Wholesale Trade", "Manufacturing", "Retail Trade", "Information", "Construction",
            "Health Care and Social Assistance", "Professional, Scientific, and Technical Services",
        ];
        public static readonly string[] Countries = ["DE", "AT", "CH", "US", "GB", "NL", "FR", "PL", "SE", "ES", "IT", "DK"];
        public static readonly string[] Seniorities = ["c_level", "founder", "vp", "head", "director", "manager", "individual_contributor"];
        public static readonly string[] Departments = ["operations", "logistics", "sales", "finance", "it", "executive", "marketing", "procurement"];
    }
}
