using GrowthKit.Model;
using Marten;

namespace GrowthKit.Icp.Vocabulary;

/// <summary>
/// A tenant's additions to the built-in taxonomy: its own buying triggers and pain points (offered
/// by the workshop) and named groups of values (expanded like regions when a draft is saved).
/// One document per tenant; conjoined tenancy keeps each tenant's apart.
/// </summary>
public sealed record TenantVocabulary(
    Guid Id,
    IReadOnlyList<TaxonomyTerm> BuyingTriggers,
    IReadOnlyList<TaxonomyTerm> PainPoints,
    IReadOnlyList<TermGroup> Groups)
{
    /// <summary>Every tenant's vocabulary has the same id; the tenant column tells them apart.</summary>
    public static readonly Guid DocumentId = DeterministicId.For("tenant-vocabulary");

    public static TenantVocabulary Empty { get; } = new(DocumentId, [], [], []);

    public static async Task<TenantVocabulary> LoadAsync(IQuerySession session, CancellationToken ct) =>
        await session.LoadAsync<TenantVocabulary>(DocumentId, ct) ?? Empty;

    /// <summary>Built-in terms first, then the tenant's own (a tenant term with a built-in value is ignored).</summary>
    public IReadOnlyList<TaxonomyTerm> AllBuyingTriggers => Merge(Model.Taxonomy.BuyingTriggers, BuyingTriggers);

    public IReadOnlyList<TaxonomyTerm> AllPainPoints => Merge(Model.Taxonomy.PainPoints, PainPoints);

    private static List<TaxonomyTerm> Merge(IReadOnlyList<TaxonomyTerm> builtIn, IReadOnlyList<TaxonomyTerm> own) =>
        [.. builtIn, .. own.Where(t => !builtIn.Any(b => string.Equals(b.Value, t.Value, StringComparison.OrdinalIgnoreCase)))];
}
