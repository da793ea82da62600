using System.Text.Json;

namespace GrowthKit.Bench.Refinement;

/// <summary>One company of the market, with the contact the team talks to there.</summary>
public sealed record MarketCompany(
    int Index,
    string ExternalId,
    string Name,
    string Industry,
    int EmployeeCount,
    long? AnnualRevenue,
    string Country,
    IReadOnlyList<string> Signals,
    IReadOnlyList<string> PainPoints,
    string Seniority,
    string Department,
    double WinProbability);

/// <summary>A closed deal, drawn from the company's hidden win probability.</summary>
public sealed record MarketDeal(string DealId, MarketCompany Company, bool Won, long Amount, DateTimeOffset ClosedAt, string? Reason);

/// <summary>
/// A seeded synthetic B2B market (same seed, same market): companies with firmographics
/// (NAICS sector titles, employee counts, revenue, ISO alpha-2 countries), buying triggers, pains and a
/// contact; each company's win probability comes from <see cref="HiddenTruth"/>, which the system never
/// sees. A share of the companies closed a deal, won or lost by that probability, over 18 months; the
/// earlier 70 % of the deals (by close date) are the training deals, the later 30 % the holdout.
/// </summary>
public sealed class SyntheticMarket
{
    private static readonly (string Value, double Share)[] Industries =
    [
        ("Transportation and Warehousing", 0.20), ("Wholesale Trade", 0.14), ("Manufacturing", 0.18),
        ("Retail Trade", 0.12), ("Information", 0.10), ("Construction", 0.08),
        ("Health Care and Social Assistance", 0.08), ("Professional, Scientific, and Technical Services", 0.10),
    ];
    private static readonly (string Value, double Share)[] Countries =
    [
        ("DE", 0.15), ("AT", 0.05), ("CH", 0.05), ("US", 0.18), ("GB", 0.10), ("NL", 0.07),
        ("FR", 0.09), ("PL", 0.07), ("SE", 0.06), ("ES", 0.06), ("IT", 0.08), ("DK", 0.04),
    ];
    public static readonly string[] Signals =
        ["funding_round", "fleet_expansion", "peak_season", "rapid_hiring", "new_location", "tech_migration", "cost_cutting", "new_executive_hire"];
    public static readonly string[] Pains =
        ["manual_dispatch", "late_deliveries", "poor_visibility", "spreadsheet_chaos", "rising_costs", "legacy_systems", "data_silos", "staff_shortage"];
    private static readonly (string Value, double Share)[] Seniorities =
    [
        ("c_level", 0.10), ("founder", 0.05), ("vp", 0.12), ("head", 0.15), ("director", 0.15), ("manager", 0.25), ("individual_contributor", 0.18),
    ];
    private static readonly (string Value, double Share)[] Departments =
    [
        ("operations", 0.22), ("logistics", 0.14), ("sales", 0.16), ("finance", 0.10), ("it", 0.12),
        ("executive", 0.10), ("marketing", 0.08), ("procurement", 0.08),
    ];
    private static readonly string[] LostReasons = ["price", "no_budget", "competitor", "timing", "no_decision"];
    private static readonly string[] Syllables = ["nord", "wind", "alp", "trans", "cargo", "ever", "blue", "swift", "rhein", "mark", "tek", "flow"];
    private static readonly string[] Suffixes = ["GmbH", "AG", "Inc", "Ltd", "BV", "SA"];

    public static readonly DateTimeOffset FirstClose = new(2025, 1, 1, 0, 0, 0, TimeSpan.Zero);
    public const int CloseSpanDays = 540;
    public const double TrainingShare = 0.7;

    public IReadOnlyList<MarketCompany> Companies { get; }
    /// <summary>Every closed deal, oldest first.</summary>
    public IReadOnlyList<MarketDeal> Deals { get; }
    public IReadOnlyList<MarketDeal> Training { get; }
    public IReadOnlyList<MarketDeal> Holdout { get; }
    /// <summary>The first holdout deal's close date: every training deal closed before it.</summary>
    public DateTimeOffset HoldoutFrom { get; }
    public double Intercept { get; }

    public SyntheticMarket(int companies, double dealShare, int seed, double targetWinRate = 0.3)
    {
        var random = new Random(seed);
        var drafts = Enumerable.Range(0, companies).Select(i => Draw(i, random)).ToList();
        // The intercept is set so that the market as a whole wins at about the target rate.
        Intercept = HiddenTruth.InterceptFor(drafts, targetWinRate);
        Companies = [.. drafts.Select(c => c with { WinProbability = HiddenTruth.Probability(c, Intercept) })];

        var deals = new List<MarketDeal>();
        foreach (var company in Companies)
        {
            if (random.NextDouble() >= dealShare) continue; // still open: a lead without an outcome
            var won = random.NextDouble() < company.WinProbability;
            var closedAt = FirstClose.AddMinutes(Math.Floor(random.NextDouble() * CloseSpanDays * 24 * 60));
            var amount = (long)Math.Round(Math.Max(5_000, 40 * company.EmployeeCount * (0.5 + random.NextDouble())) / 100) * 100;
            deals.Add(new MarketDeal($"deal-{company.ExternalId}", company, won, amount, closedAt,
                won ? null : LostReasons[random.Next(LostReasons.Length)]));
        }
        Deals = [.. deals.OrderBy(d => d.ClosedAt).ThenBy(d => d.Company.Index)];
        var cut = (int)Math.Round(Deals.Count * TrainingShare);
        Training = [.. Deals.Take(cut)];
        Holdout = [.. Deals.Skip(cut)];
        HoldoutFrom = Holdout.Count > 0 ? Holdout[0].ClosedAt : DateTimeOffset.MaxValue;
    }

    internal static MarketCompany Draw(int index, Random random)
    {
        string Pick((string Value, double Share)[] values)
        {
            var x = random.NextDouble() * values.Sum(v => v.Share);
            foreach (var (value, share) in values)
            {
                if ((x -= share) < 0) return value;
            }
            return values[^1].Value;
        }
        IReadOnlyList<string> Some(string[] values, double each) => [.. values.Where(_ => random.NextDouble() < each)];

        var name = Capitalise(Syllables[random.Next(Syllables.Length)] + Syllables[random.Next(Syllables.Length)]);
        // Sizes log-uniform from 3 to 20,000 employees; revenue about 150k per employee, known for 80 %.
        var employees = (int)Math.Round(Math.Exp(Math.Log(3) + random.NextDouble() * (Math.Log(20_000) - Math.Log(3))));
        long? revenue = random.NextDouble() < 0.8
            ? (long)Math.Round(employees * 150_000.0 * Math.Exp(0.5 * Normal(random)) / 10_000) * 10_000
            : null;
        return new MarketCompany(index, $"mkt-{index:D6}", $"{name} {index} {Suffixes[random.Next(Suffixes.Length)]}",
            Pick(Industries), employees, revenue, Pick(Countries), Some(Signals, 0.15), Some(Pains, 0.18),
            Pick(Seniorities), Pick(Departments), WinProbability: 0);
    }

    internal static double Normal(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());

    private static string Capitalise(string s) => char.ToUpperInvariant(s[0]) + s[1..];

    /// <summary>The lead as API.md shows it (what the bench pushes), UTF-8 JSON.</summary>
    public static byte[] LeadJson(MarketCompany c)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("externalId", c.ExternalId);
            json.WriteStartObject("company");
            json.WriteString("name", c.Name);
            json.WriteString("domain", $"{c.Name.Split(' ')[0].ToLowerInvariant()}-{c.Index}.example");
            json.WriteString("industry", c.Industry);
            json.WriteNumber("employeeCount", c.EmployeeCount);
            if (c.AnnualRevenue is { } revenue) json.WriteNumber("annualRevenue", revenue);
            json.WriteString("country", c.Country);
            json.WriteEndObject();
            json.WriteStartArray("signals");
            foreach (var s in c.Signals) json.WriteStringValue(s);
            json.WriteEndArray();
            json.WriteStartArray("painPoints");
            foreach (var p in c.PainPoints) json.WriteStringValue(p);
            json.WriteEndArray();
            json.WriteStartObject("contact");
            json.WriteString("seniority", c.Seniority);
            json.WriteString("department", c.Department);
            json.WriteEndObject();
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    /// <summary>The request bodies <c>{"leads": [...]}</c> of every company, <paramref name="size"/> each, in index order.</summary>
    public IReadOnlyList<byte[]> LeadBatches(int size) => Batches(Companies.Select(LeadJson).ToList(), "leads", size);

    /// <summary>The request bodies <c>{"deals": [...]}</c>, <paramref name="size"/> each, in the given order.</summary>
    public static IReadOnlyList<byte[]> DealBatches(IReadOnlyList<MarketDeal> deals, int size) =>
        Batches(deals.Select(DealJson).ToList(), "deals", size);

    public static byte[] DealJson(MarketDeal d)
    {
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("dealId", d.DealId);
            json.WriteString("externalId", d.Company.ExternalId);
            json.WriteString("outcome", d.Won ? "won" : "lost");
            json.WriteNumber("amount", d.Amount);
            json.WriteString("closedAt", d.ClosedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", System.Globalization.CultureInfo.InvariantCulture));
            if (d.Reason is not null) json.WriteString("reason", d.Reason);
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static List<byte[]> Batches(IReadOnlyList<byte[]> items, string name, int size)
    {
        var batches = new List<byte[]>();
        for (var start = 0; start < items.Count; start += size)
        {
            using var body = new MemoryStream();
            body.Write(System.Text.Encoding.UTF8.GetBytes($"{{\"{name}\":["));
            for (var i = start; i < Math.Min(start + size, items.Count); i++)
            {
                if (i > start) body.WriteByte((byte)',');
                body.Write(items[i]);
            }
            body.Write("]}"u8);
            batches.Add(body.ToArray());
        }
        return batches;
    }
}
