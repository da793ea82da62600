using GrowthKit.Model;

namespace GrowthKit.Icp.Icps;

public sealed record ValueChange<T>(T From, T To);

public sealed record KeyedChange<T>(string Key, T From, T To);

public sealed record ListDiff<T>(IReadOnlyList<T> Added, IReadOnlyList<T> Removed, IReadOnlyList<KeyedChange<T>> Changed)
{
    public bool IsEmpty => Added.Count == 0 && Removed.Count == 0 && Changed.Count == 0;
}

/// <summary>
/// What changed between two definitions: criteria and disqualifiers by key, personas by role. It is
/// both what a PUT is recorded as and what <c>GET …/diff</c> answers.
/// </summary>
public sealed record DefinitionDiff(
    ValueChange<string?>? Name,
    ValueChange<string?>? Description,
    ListDiff<Criterion> Criteria,
    ListDiff<Disqualifier> Disqualifiers,
    ListDiff<Persona> Personas,
    ValueChange<Tiers?>? Tiers)
{
    public bool IsEmpty => Name is null && Description is null && Criteria.IsEmpty && Disqualifiers.IsEmpty
                           && Personas.IsEmpty && Tiers is null;

    public static DefinitionDiff Between(IcpDefinition from, IcpDefinition to) => new(
        Change(from.Name, to.Name),
        Change(from.Description, to.Description),
        Keyed(from.Criteria, to.Criteria, c => c.Key!),
        Keyed(from.Disqualifiers, to.Disqualifiers, d => d.Key!),
        Keyed(from.Personas, to.Personas, p => p.Role!.Trim().ToLowerInvariant()),
        CanonicalJson.AreEqual(from.Tiers, to.Tiers) ? null : new ValueChange<Tiers?>(from.Tiers, to.Tiers));

    private static ValueChange<string?>? Change(string? from, string? to) =>
        string.Equals(from, to, StringComparison.Ordinal) ? null : new ValueChange<string?>(from, to);

    private static ListDiff<T> Keyed<T>(IReadOnlyList<T>? from, IReadOnlyList<T>? to, Func<T, string> keyOf)
    {
        // First wins: drafts saved before roles had to be unique may hold "CTO" and "cto".
        var before = FirstByKey(from, keyOf);
        var after = FirstByKey(to, keyOf);
        return new ListDiff<T>(
            (to ?? []).Where(x => !before.ContainsKey(keyOf(x))).ToList(),
            (from ?? []).Where(x => !after.ContainsKey(keyOf(x))).ToList(),
            (to ?? []).Where(x => before.TryGetValue(keyOf(x), out var old) && !CanonicalJson.AreEqual(old, x))
                .Select(x => new KeyedChange<T>(keyOf(x), before[keyOf(x)], x)).ToList());
    }

    private static Dictionary<string, T> FirstByKey<T>(IReadOnlyList<T>? items, Func<T, string> keyOf)
    {
        var byKey = new Dictionary<string, T>(StringComparer.Ordinal);
        foreach (var item in items ?? []) byKey.TryAdd(keyOf(item), item);
        return byKey;
    }
}
