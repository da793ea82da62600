using GrowthKit.Icp.Vocabulary;
using GrowthKit.Model;
using Marten;

namespace GrowthKit.Icp.Workshops;

/// <summary>
/// What the questions offer beyond the fixed taxonomy: the tenant's buying triggers and pain points
/// (built-in ones first) and its region groups (built-in regions first, then the tenant's own groups
/// of <c>company.country</c>).
/// </summary>
public sealed record WorkshopVocabulary(
    IReadOnlyList<TaxonomyTerm> BuyingTriggers, IReadOnlyList<TaxonomyTerm> PainPoints, IReadOnlyList<TermGroup> Regions)
{
    public static WorkshopVocabulary BuiltIn { get; } = new(Taxonomy.BuyingTriggers, Taxonomy.PainPoints, Taxonomy.Regions);

    public static WorkshopVocabulary From(TenantVocabulary tenant) => new(
        tenant.AllBuyingTriggers,
        tenant.AllPainPoints,
        [
            .. Taxonomy.Regions,
            .. tenant.Groups.Where(g => g.Field == FieldPaths.CompanyCountry
                                        && !Taxonomy.Regions.Any(r => string.Equals(r.Name, g.Name, StringComparison.OrdinalIgnoreCase))),
        ]);

    public static async Task<WorkshopVocabulary> LoadAsync(IQuerySession session, CancellationToken ct) =>
        From(await TenantVocabulary.LoadAsync(session, ct));

    /// <summary>A region group by name (case-insensitive; built-in regions also by their spelled-out names).</summary>
    public TermGroup? FindRegion(string name) =>
        Regions.FirstOrDefault(g => string.Equals(g.Name, name.Trim(), StringComparison.OrdinalIgnoreCase))
        ?? (Taxonomy.FindRegion(name) is { } builtIn ? Regions.FirstOrDefault(g => g.Name == builtIn.Name) : null);
}
