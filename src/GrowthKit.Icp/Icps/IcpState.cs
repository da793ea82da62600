using GrowthKit.Model;

namespace GrowthKit.Icp.Icps;

public sealed record PublishedVersion(int Version, IcpDefinition Definition, DateTimeOffset PublishedAt);

/// <summary>
/// The ICP as its stream tells it. <see cref="Revision"/> counts every change event (it equals the
/// stream version and is the ETag); <see cref="PublishedVersion.Version"/> counts publications.
/// </summary>
public sealed record IcpState(Guid Id, long Revision, IcpDefinition Draft, PublishedVersion? Published, DateTimeOffset CreatedAt)
{
    public static IcpState Create(IcpDrafted e) => new(e.IcpId, 1, e.Definition, null, e.At);

    public IcpState Apply(IcpPublished e) => Next() with
    {
        Published = new PublishedVersion(e.Version, e.Definition, e.At),
    };

    public IcpState Apply(IcpRenamed e) => Edit(d => d with { Name = e.Name });

    public IcpState Apply(IcpDescriptionChanged e) => Edit(d => d with { Description = e.Description });

    public IcpState Apply(TiersChanged e) => Edit(d => d with { Tiers = e.Tiers });

    public IcpState Apply(CriterionAdded e) => Edit(d => d with { Criteria = Insert(d.Criteria, e.Criterion, e.Position) });

    public IcpState Apply(CriterionChanged e) => Edit(d => d with { Criteria = Replace(d.Criteria, e.Key, e.Criterion) });

    public IcpState Apply(CriterionRemoved e) => Edit(d => d with { Criteria = Remove(d.Criteria, e.Key) });

    public IcpState Apply(CriteriaReordered e) => Edit(d => d with { Criteria = Reorder(d.Criteria, e.Keys) });

    public IcpState Apply(DisqualifierAdded e) => Edit(d => d with { Disqualifiers = Insert(d.Disqualifiers, e.Disqualifier, e.Position) });

    public IcpState Apply(DisqualifierChanged e) => Edit(d => d with { Disqualifiers = Replace(d.Disqualifiers, e.Key, e.Disqualifier) });

    public IcpState Apply(DisqualifierRemoved e) => Edit(d => d with { Disqualifiers = Remove(d.Disqualifiers, e.Key) });

    public IcpState Apply(DisqualifiersReordered e) => Edit(d => d with { Disqualifiers = Reorder(d.Disqualifiers, e.Keys) });

    public IcpState Apply(PersonaAdded e) => Edit(d => d with { Personas = [.. d.Personas ?? [], e.Persona] });

    public IcpState Apply(PersonaRemoved e) => Edit(d => d with
    {
        Personas = Empty((d.Personas ?? []).Where(p => !SameRole(p.Role, e.Role)).ToList()),
    });

    private IcpState Next() => this with { Revision = Revision + 1 };

    private IcpState Edit(Func<IcpDefinition, IcpDefinition> change) => Next() with { Draft = change(Draft) };

    internal static bool SameRole(string? a, string? b) => string.Equals(a?.Trim(), b?.Trim(), StringComparison.OrdinalIgnoreCase);

    private static IReadOnlyList<T> Insert<T>(IReadOnlyList<T>? items, T item, int position) where T : ICondition
    {
        var list = (items ?? []).ToList();
        list.Insert(Math.Clamp(position, 0, list.Count), item);
        return list;
    }

    private static IReadOnlyList<T> Replace<T>(IReadOnlyList<T>? items, string key, T item) where T : ICondition =>
        (items ?? []).Select(x => x.Key == key ? item : x).ToList();

    private static IReadOnlyList<T>? Remove<T>(IReadOnlyList<T>? items, string key) where T : ICondition =>
        Empty((items ?? []).Where(x => x.Key != key).ToList());

    private static IReadOnlyList<T> Reorder<T>(IReadOnlyList<T>? items, IReadOnlyList<string> keys) where T : ICondition
    {
        var byKey = (items ?? []).ToDictionary(x => x.Key!);
        return keys.Where(byKey.ContainsKey).Select(k => byKey[k]).ToList();
    }

    /// <summary>An emptied optional list goes back to absent, as a definition without it would be.</summary>
    private static IReadOnlyList<T>? Empty<T>(IReadOnlyList<T> items) => items.Count == 0 ? null : items;
}
