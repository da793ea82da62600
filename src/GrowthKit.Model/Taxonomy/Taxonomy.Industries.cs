using System.Globalization;
using System.Text.RegularExpressions;

namespace GrowthKit.Model;

public static partial class Taxonomy
{
    // Declared before Industries, which is built from it: static initialisers run in text order.
    // Source: the 20 sectors of NAICS 2017 (U.S. Census Bureau), titles spelled exactly as published.
    private static readonly (string Code, string Title)[] NaicsSectors =
    [
        ("11", "Agriculture, Forestry, Fishing and Hunting"),
        ("21", "Mining, Quarrying, and Oil and Gas Extraction"),
        ("22", "Utilities"),
        ("23", "Construction"),
        ("31-33", "Manufacturing"),
        ("42", "Wholesale Trade"),
        ("44-45", "Retail Trade"),
        ("48-49", "Transportation and Warehousing"),
        ("51", "Information"),
        ("52", "Finance and Insurance"),
        ("53", "Real Estate and Rental and Leasing"),
        ("54", "Professional, Scientific, and Technical Services"),
        ("55", "Management of Companies and Enterprises"),
        ("56", "Administrative and Support and Waste Management and Remediation Services"),
        ("61", "Educational Services"),
        ("62", "Health Care and Social Assistance"),
        ("71", "Arts, Entertainment, and Recreation"),
        ("72", "Accommodation and Food Services"),
        ("81", "Other Services (except Public Administration)"),
        ("92", "Public Administration"),
    ];

    /// <summary>The 20 NAICS 2017 sectors; the value is the sector title leads are normalised to, the label adds the code.</summary>
    public static IReadOnlyList<TaxonomyTerm> Industries { get; } =
        [.. NaicsSectors.Select(sector => new TaxonomyTerm(sector.Title, $"{sector.Code} {sector.Title}"))];

    /// <summary>
    /// The NAICS sector title for a sector title (any case or spacing), its label ("48-49 Transportation
    /// and Warehousing"), a NAICS code (a sector code such as "48-49" or "31-33", or any code of two to
    /// six digits, read by its first two), or a common synonym ("logistics", "saas", "banking"); null
    /// for blank or unknown text.
    /// </summary>
    public static string? NormalizeIndustry(string? text)
    {
        if (text?.Trim() is not { Length: > 0 } trimmed)
            return null;
        if (NaicsCode().Match(trimmed) is { Success: true } match)
        {
            var code = string.Concat(match.Groups["code"].Value.Where(char.IsAsciiDigit));
            // A range names a sector exactly; a single code is read by its first two digits.
            return match.Groups["code"].Value.Contains('-')
                ? IndustryIndex.ByCode.GetValueOrDefault($"{code[..2]}-{code[2..]}")
                : IndustryIndex.ByCode.GetValueOrDefault(code[..2]);
        }
        return IndustryIndex.ByName.TryGetValue(LookupKey.Of(trimmed), out var title) ? title : null;
    }

    // "48-49", "NAICS 48", "484110", but not "4" or "1234567".
    [GeneratedRegex(@"^(?:naics\s*)?(?<code>[0-9]{2}(?:\s*-\s*[0-9]{2}|[0-9]{0,4}))$", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex NaicsCode();

    // A class of its own so that its indexes are built on first use, after NaicsSectors exists.
    private static class IndustryIndex
    {
        public static readonly Dictionary<string, string> ByCode = BuildCodes();

        public static readonly Dictionary<string, string> ByName = BuildNames();

        // A sector spanning codes ("48-49") is found by its range and by each two-digit code in it;
        // a longer code (an industry inside a sector, "5415") by its first two digits.
        private static Dictionary<string, string> BuildCodes()
        {
            var index = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (code, title) in NaicsSectors)
            {
                index.Add(code, title);
                if (code.Split('-') is [var first, var last])
                {
                    for (var part = int.Parse(first, CultureInfo.InvariantCulture); part <= int.Parse(last, CultureInfo.InvariantCulture); part++)
                        index.Add(part.ToString(CultureInfo.InvariantCulture), title);
                }
            }
            return index;
        }

        private static Dictionary<string, string> BuildNames()
        {
            var index = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (var (code, title) in NaicsSectors)
            {
                index.Add(LookupKey.Of(title), title);
                index.Add(LookupKey.Of($"{code} {title}"), title);
            }
            // Add, not TryAdd: a synonym listed under two sectors fails every test at start-up.
            foreach (var (code, synonyms) in IndustrySynonyms)
            {
                var title = ByCode[code];
                foreach (var synonym in synonyms)
                    index.Add(LookupKey.Of(synonym), title);
            }
            return index;
        }
    }

    // The words CRMs, enrichment tools and people use for a sector. Where a word spans sectors the
    // NAICS home of its typical company wins: software and SaaS publish and host (51 Information),
    // IT services and consulting serve clients (54), e-commerce is retail (NAICS 454110), energy
    // means power and gas utilities (22), oil and gas is extraction (21).
    private static readonly (string Code, string[] Synonyms)[] IndustrySynonyms =
    [
        ("11", ["agriculture", "agribusiness", "farming", "farms", "forestry", "fishing", "fisheries", "hunting", "livestock", "crop production"]),
        ("21", ["mining", "quarrying", "oil and gas", "petroleum", "metals and mining", "oil and gas extraction"]),
        ("22", ["utility", "energy", "power", "electricity", "power generation", "electric utilities", "water utilities",
            "renewable energy", "renewables", "energy and utilities", "oil and energy"]),
        ("23", ["building", "building construction", "civil engineering", "contractors", "general contractor", "homebuilding"]),
        ("31-33", ["manufacturer", "industrial", "industrial manufacturing", "industrial goods", "automotive", "pharmaceuticals",
            "pharma", "chemicals", "electronics", "semiconductors", "aerospace", "machinery", "textiles", "food production"]),
        ("42", ["wholesale", "wholesaler", "distribution", "distributor", "distributors"]),
        ("44-45", ["retail", "retailer", "e-commerce", "online retail", "online shopping", "grocery",
            "supermarkets", "direct to consumer", "dtc"]),
        ("48-49", ["logistics", "transportation", "transport", "warehousing", "warehouse", "warehouses", "transportation and logistics",
            "transport and logistics", "logistics and supply chain", "logistics and transportation", "supply chain", "freight",
            "freight forwarding", "trucking", "shipping", "courier", "couriers", "parcel delivery", "last mile", "postal", "3pl",
            "third-party logistics", "airlines", "aviation", "railroads", "rail", "maritime", "moving"]),
        ("51", ["software", "saas", "software as a service", "computer software", "software publishing", "internet",
            "technology", "tech", "telecom", "telecoms", "telecommunications", "telco", "media", "publishing", "broadcasting",
            "data processing", "hosting", "cloud", "cloud computing", "online media"]),
        ("52", ["finance", "financial services", "banking", "bank", "banks", "insurance", "insurer", "fintech", "insurtech", "investment",
            "investment management", "asset management", "capital markets", "venture capital", "private equity", "payments", "lending"]),
        ("53", ["real estate", "property", "property management", "commercial real estate", "rental", "leasing", "equipment rental", "car rental"]),
        ("54", ["professional services", "consulting", "consultancy", "management consulting", "it services", "it consulting", "it",
            "information technology", "information technology and services", "managed services", "software development",
            "legal", "legal services", "law firm", "law", "accounting", "accountancy", "architecture", "engineering services",
            "advertising", "marketing agency", "marketing services", "agency", "market research", "research", "r&d", "design"]),
        ("55", ["management of companies", "holding company", "holding", "holdings", "corporate headquarters"]),
        ("56", ["administrative services", "business services", "staffing", "staffing and recruiting", "recruiting", "recruitment",
            "employment services", "security services", "facility services", "facilities management", "cleaning", "janitorial",
            "call center", "waste management", "recycling", "remediation", "travel agency"]),
        ("61", ["education", "education services", "schools", "school", "university", "universities", "higher education", "e-learning",
            "training", "edtech"]),
        ("62", ["healthcare", "health", "hospitals", "hospital", "medical", "clinics", "nursing", "elder care", "home care",
            "social assistance", "social services", "child care", "hospital and health care"]),
        ("71", ["entertainment", "arts", "recreation", "sports", "fitness", "gyms", "museums", "gambling", "casinos", "leisure",
            "performing arts", "amusement parks"]),
        ("72", ["hospitality", "hotels", "hotel", "accommodation", "lodging", "restaurants", "restaurant", "food service", "food services",
            "catering", "bars"]),
        ("81", ["other services", "repair and maintenance", "automotive repair", "personal services", "nonprofit",
            "religious organizations", "associations", "laundry"]),
        ("92", ["government", "public sector", "government administration", "federal government", "local government", "municipality",
            "defense", "defence"]),
    ];
}
