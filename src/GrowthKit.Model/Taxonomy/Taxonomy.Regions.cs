namespace GrowthKit.Model;

public static partial class Taxonomy
{
    private const string Eu27 = "AT BE BG HR CY CZ DK EE FI FR DE GR HU IE IT LV LT LU MT NL PL PT RO SK SI ES SE";

    /// <summary>
    /// Region groups of <c>company.country</c>, named as sales teams name territories. A region is a
    /// convenience for whoever writes a definition: it is expanded into its member codes when a draft
    /// is saved. Members are ISO 3166-1 alpha-2 codes; a country may sit in several regions.
    /// </summary>
    /// <remarks>
    /// Choices: the Nordics are the five Nordic Council states (not their autonomous territories);
    /// the EU is its 27 members since 1 February 2020; the EEA adds Iceland, Liechtenstein and Norway;
    /// UK&amp;I is Great Britain and Ireland only (the Crown Dependencies have codes of their own);
    /// North America is the three USMCA countries; LATAM is the 20 Spanish-, Portuguese- and
    /// French-speaking states of the Americas plus Puerto Rico; APAC is the UN M49 regions Eastern,
    /// South-eastern and Southern Asia (Iran aside, counted in MENA) and Oceania; MENA follows the
    /// World Bank's list without Malta (an EU member); Europe is UN M49 Europe.
    /// </remarks>
    public static IReadOnlyList<TermGroup> Regions { get; } =
    [
        Region("DACH", "DE AT CH"),
        Region("Nordics", "DK FI IS NO SE"),
        Region("Benelux", "BE NL LU"),
        Region("Baltics", "EE LV LT"),
        Region("Iberia", "ES PT"),
        Region("UK&I", "GB IE"),
        Region("EU", Eu27),
        Region("EEA", Eu27 + " IS LI NO"),
        Region("Europe", "AD AL AT AX BA BE BG BY CH CZ DE DK EE ES FI FO FR GB GG GI GR HR HU IE IM IS IT JE LI LT LU LV MC MD ME MK MT "
            + "NL NO PL PT RO RS RU SE SI SJ SK SM UA VA"),
        Region("North America", "US CA MX"),
        Region("LATAM", "AR BO BR CL CO CR CU DO EC SV GT HT HN MX NI PA PY PE PR UY VE"),
        Region("APAC", "CN HK MO TW JP KR KP MN BN KH ID LA MY MM PH SG TH TL VN AF BD BT IN MV NP PK LK "
            + "AU NZ FJ PG SB VU NC PF WS TO KI TV NR FM MH PW CK NU TK AS GU MP WF PN NF CX CC HM UM"),
        Region("ANZ", "AU NZ"),
        Region("MENA", "DZ BH DJ EG IR IQ IL JO KW LB LY MA OM PS QA SA SY TN AE YE"),
        Region("GCC", "BH KW OM QA SA AE"),
    ];

    /// <summary>
    /// The built-in region named <paramref name="name"/>, compared case-insensitively and ignoring
    /// spacing and punctuation ("uk & i", "North-America"), or known by a spelled-out name
    /// ("European Union", "Asia Pacific", "Latin America"); null when there is none.
    /// </summary>
    public static TermGroup? FindRegion(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var key = LookupKey.Of(name);
        if (key.Length == 0)
            return null;
        var canonical = RegionAliases.TryGetValue(key, out var aliased) ? aliased : key;
        return Regions.FirstOrDefault(region => LookupKey.Of(region.Name) == canonical);
    }

    private static TermGroup Region(string name, string members) =>
        new(FieldPaths.CompanyCountry, name, members.Split(' ', StringSplitOptions.RemoveEmptyEntries));

    // Spelled-out names, keyed and valued in LookupKey form.
    private static readonly Dictionary<string, string> RegionAliases = new(StringComparer.Ordinal)
    {
        ["europeanunion"] = "eu",
        ["europeaneconomicarea"] = "eea",
        ["nordiccountries"] = "nordics",
        ["ukandireland"] = "ukandi",
        ["unitedkingdomandireland"] = "ukandi",
        ["latinamerica"] = "latam",
        ["asiapacific"] = "apac",
        ["australiaandnewzealand"] = "anz",
        ["middleeastandnorthafrica"] = "mena",
        ["gulfcooperationcouncil"] = "gcc",
        ["balticstates"] = "baltics",
    };
}
