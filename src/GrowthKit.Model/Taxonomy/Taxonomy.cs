namespace GrowthKit.Model;

/// <summary>
/// The built-in vocabulary the workshop, validation and normalisation draw on. Pure data: a
/// published ICP never depends on it, because groups are expanded when a draft is saved.
/// Industries, countries and regions live in the other parts of this class (Taxonomy.*.cs).
/// </summary>
public static partial class Taxonomy
{
    /// <summary>
    /// Employee-count bands, contiguous over whole numbers, the last one open-ended. The split
    /// follows the bands CRMs and business directories commonly use, so imported data lines up.
    /// </summary>
    public static IReadOnlyList<SizeBand> CompanySizes { get; } =
    [
        new("1-10", "1–10 employees", 1, 10),
        new("11-50", "11–50 employees", 11, 50),
        new("51-200", "51–200 employees", 51, 200),
        new("201-500", "201–500 employees", 201, 500),
        new("501-1000", "501–1,000 employees", 501, 1000),
        new("1001-5000", "1,001–5,000 employees", 1001, 5000),
        new("5001-10000", "5,001–10,000 employees", 5001, 10000),
        new("10001+", "10,001+ employees", 10001, null),
    ];

    /// <summary>What had just happened inside the company when it bought.</summary>
    public static IReadOnlyList<TaxonomyTerm> BuyingTriggers { get; } =
    [
        new("funding_round", "Raised a funding round"),
        new("new_executive_hire", "Hired a new executive"),
        new("rapid_hiring", "Hiring fast"),
        new("rapid_growth", "Revenue growing fast"),
        new("expansion_new_market", "Expanding into a new market"),
        new("new_location", "Opened a new site or location"),
        new("merger_or_acquisition", "Merged with or acquired a company"),
        new("new_regulation", "A new regulation applies to it"),
        new("compliance_audit", "Facing an audit or certification"),
        new("tech_migration", "Migrating its technology stack"),
        new("digital_transformation", "Started a digital transformation"),
        new("contract_renewal", "A vendor contract is up for renewal"),
        new("vendor_dissatisfaction", "Unhappy with its current vendor"),
        new("cost_cutting", "Under pressure to cut costs"),
        new("new_product_launch", "Launching a new product"),
        new("ipo_preparation", "Preparing an IPO"),
        new("security_incident", "Suffered a security incident or outage"),
        new("peak_season", "Preparing for peak season"),
        new("fleet_expansion", "Growing its fleet"),
        new("reorganisation", "Reorganised or restructured"),
    ];

    /// <summary>Problems acute enough to pay for.</summary>
    public static IReadOnlyList<TaxonomyTerm> PainPoints { get; } =
    [
        new("manual_dispatch", "Dispatch is planned by hand"),
        new("spreadsheet_chaos", "Critical work lives in spreadsheets"),
        new("poor_visibility", "No real-time view of operations"),
        new("late_deliveries", "Deliveries are late or missed"),
        new("rising_costs", "Costs rise faster than revenue"),
        new("data_silos", "Data is scattered across disconnected systems"),
        new("legacy_systems", "Legacy systems are hard to change"),
        new("integration_gaps", "Tools do not talk to each other"),
        new("manual_invoicing", "Invoices are written by hand"),
        new("slow_reporting", "Reports take days to produce"),
        new("compliance_risk", "Compliance is hard to prove"),
        new("security_gaps", "Security gaps worry the leadership"),
        new("staff_shortage", "Not enough staff for the workload"),
        new("high_turnover", "Staff turnover is high"),
        new("capacity_planning", "Capacity is hard to plan"),
        new("inventory_errors", "Stock levels are wrong"),
        new("customer_complaints", "Customers complain about service"),
        new("customer_churn", "Customers leave"),
        new("low_conversion", "Leads do not convert"),
        new("long_sales_cycle", "Sales cycles are long"),
    ];

    /// <summary>How senior the contact is, most senior first.</summary>
    public static IReadOnlyList<TaxonomyTerm> Seniorities { get; } =
    [
        new("c_level", "C-level"),
        new("founder", "Founder or owner"),
        new("vp", "VP"),
        new("head", "Head of"),
        new("director", "Director"),
        new("manager", "Manager"),
        new("individual_contributor", "Individual contributor"),
    ];

    public static IReadOnlyList<TaxonomyTerm> Departments { get; } =
    [
        new("executive", "Executive management"),
        new("operations", "Operations"),
        new("logistics", "Logistics"),
        new("supply_chain", "Supply chain"),
        new("procurement", "Procurement"),
        new("sales", "Sales"),
        new("marketing", "Marketing"),
        new("customer_success", "Customer success"),
        new("finance", "Finance"),
        new("it", "IT"),
        new("engineering", "Engineering"),
        new("product", "Product"),
        new("hr", "HR"),
        new("legal", "Legal"),
    ];

    /// <summary>The band whose value is <paramref name="value"/> ("51-200"; case, spaces and an en dash tolerated), or null.</summary>
    public static SizeBand? FindSizeBand(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var wanted = string.Concat(value.Where(c => !char.IsWhiteSpace(c))).Replace('–', '-');
        return CompanySizes.FirstOrDefault(band => string.Equals(band.Value, wanted, StringComparison.OrdinalIgnoreCase));
    }
}
