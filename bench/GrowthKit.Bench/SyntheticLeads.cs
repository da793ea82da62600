using System.Text;
using System.Text.Json;

namespace GrowthKit.Bench;

/// <summary>
/// Deterministic synthetic leads (same seed, same leads): varied industries (titles and synonyms),
/// sizes (numbers and bands), countries (codes and names), signals, pains and departments — about
/// 300 bytes of JSON each, the shape of API.md's example.
/// </summary>
public sealed class SyntheticLeads
{
    private static readonly string[] Industries =
    [
        "Transportation and Warehousing", "logistics", "Wholesale Trade", "wholesale", "Manufacturing",
        "Retail Trade", "retail", "Information", "software", "Finance and Insurance",
        "Health Care and Social Assistance", "Construction", "Professional, Scientific, and Technical Services",
    ];
    private static readonly string[] Bands = ["1-10", "11-50", "51-200", "201-500", "501-1000", "1001-5000"];
    private static readonly string[] Countries =
        ["DE", "AT", "CH", "US", "GB", "FR", "NL", "PL", "SE", "ES", "Germany", "Austria", "Switzerland", "united states", "de"];
    private static readonly string[] Signals =
        ["funding_round", "rapid_hiring", "expansion_new_market", "new_location", "tech_migration", "peak_season", "fleet_expansion", "cost_cutting"];
    private static readonly string[] Pains =
        ["manual_dispatch", "spreadsheet_chaos", "poor_visibility", "late_deliveries", "rising_costs", "legacy_systems"];
    private static readonly string[] Titles =
        ["Head of Operations", "COO", "Logistics Manager", "VP Sales", "CFO", "IT Director", "Dispatcher"];
    private static readonly string[] Seniorities = ["c_level", "vp", "director", "manager", "individual"];
    private static readonly string[] Departments = ["operations", "sales", "finance", "it", "logistics", "marketing"];
    private static readonly string[] Syllables = ["nord", "wind", "alp", "trans", "cargo", "ever", "blue", "swift", "rhein", "mark", "tek", "flow"];
    private static readonly string[] Suffixes = ["GmbH", "AG", "Inc", "Ltd", "BV", "SA"];

    /// <summary>Each lead's JSON (UTF-8), in order; index i has externalId <c>{prefix}-{i:D7}</c>.</summary>
    public IReadOnlyList<byte[]> Leads { get; }

    public SyntheticLeads(int count, int seed, string prefix = "bench")
    {
        var random = new Random(seed);
        var leads = new byte[count][];
        for (var i = 0; i < count; i++) leads[i] = Generate(prefix, i, random);
        Leads = leads;
    }

    public double AverageBytes => Leads.Count == 0 ? 0 : Leads.Average(l => (double)l.Length);

    /// <summary>The request bodies <c>{"leads": [...]}</c>, <paramref name="size"/> leads each, in order.</summary>
    public IReadOnlyList<byte[]> Batches(int size)
    {
        var batches = new List<byte[]>();
        for (var start = 0; start < Leads.Count; start += size)
        {
            using var body = new MemoryStream();
            body.Write("{\"leads\":["u8);
            for (var i = start; i < Math.Min(start + size, Leads.Count); i++)
            {
                if (i > start) body.WriteByte((byte)',');
                body.Write(Leads[i]);
            }
            body.Write("]}"u8);
            batches.Add(body.ToArray());
        }
        return batches;
    }

    private static byte[] Generate(string prefix, int index, Random random)
    {
        T Pick<T>(T[] values) => values[random.Next(values.Length)];
        var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteString("externalId", $"{prefix}-{index:D7}");

            var name = Capitalise(Pick(Syllables) + Pick(Syllables));
            json.WriteStartObject("company");
            json.WriteString("name", $"{name} {index} {Pick(Suffixes)}");
            json.WriteString("domain", $"{name.ToLowerInvariant()}-{index}.example");
            json.WriteString("industry", Pick(Industries));
            if (random.NextDouble() < 0.2) json.WriteString("employeeCount", Pick(Bands));
            else json.WriteNumber("employeeCount", (int)Math.Round(Math.Exp(random.NextDouble() * Math.Log(20_000))));
            if (random.NextDouble() < 0.7) json.WriteNumber("annualRevenue", random.Next(1, 500) * 100_000L);
            json.WriteString("country", Pick(Countries));
            json.WriteEndObject();

            WriteSome(json, "signals", Signals, random.Next(0, 4), random);
            WriteSome(json, "painPoints", Pains, random.Next(0, 3), random);

            json.WriteStartObject("contact");
            json.WriteString("title", Pick(Titles));
            json.WriteString("seniority", Pick(Seniorities));
            json.WriteString("department", Pick(Departments));
            json.WriteEndObject();

            if (random.NextDouble() < 0.3)
            {
                json.WriteStartObject("attributes");
                json.WriteStartArray("techStack");
                json.WriteStringValue(random.NextDouble() < 0.5 ? "SAP" : "Oracle");
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        return buffer.ToArray();
    }

    private static void WriteSome(Utf8JsonWriter json, string name, string[] values, int count, Random random)
    {
        json.WriteStartArray(name);
        foreach (var value in values.OrderBy(_ => random.Next()).Take(count)) json.WriteStringValue(value);
        json.WriteEndArray();
    }

    private static string Capitalise(string s) => s.Length == 0 ? s : char.ToUpperInvariant(s[0]) + s[1..];

    public static string Text(byte[] lead) => Encoding.UTF8.GetString(lead);
}
