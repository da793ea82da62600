using System.Text.Json;

namespace GrowthKit.Model;

/// <summary>
/// Replaces the names a person writes in a draft (regions, a tenant's groups, country names,
/// industry synonyms) with the concrete values they stand for, so that a published version never
/// depends on a taxonomy that may change later.
/// </summary>
public static class DefinitionExpansion
{
    /// <summary>
    /// Expands every criterion's and disqualifier's <c>values</c> (and a text <c>value</c>):
    /// <list type="bullet">
    /// <item>on any field, the name of a tenant group for that field (case-insensitive) becomes its members;</item>
    /// <item>on <c>company.country</c>, a built-in region becomes its member codes and a country name or
    /// alpha-3 code its alpha-2 code;</item>
    /// <item>on <c>company.industry</c>, a NAICS code or synonym becomes the sector title.</item>
    /// </list>
    /// Members are expanded in turn, so a tenant group may name a region. Order is kept, the first
    /// occurrence of a value wins (text compared trimmed and case-insensitively), numbers are never
    /// changed, and unknown values are left as written for validation to judge. Expanding an expanded
    /// definition changes nothing.
    /// </summary>
    public static IcpDefinition Expand(IcpDefinition definition, IReadOnlyCollection<TermGroup> tenantGroups)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(tenantGroups);

        var expander = new Expander(tenantGroups);
        return definition with
        {
            // A null entry (malformed input) is kept for validation to report.
            Criteria = definition.Criteria?.Select(c => c is null ? null! : c with
            {
                Values = expander.Values(c.Field, c.Values),
                Value = expander.Value(c.Field, c.Value),
            }).ToList(),
            Disqualifiers = definition.Disqualifiers?.Select(d => d is null ? null! : d with
            {
                Values = expander.Values(d.Field, d.Values),
                Value = expander.Value(d.Field, d.Value),
            }).ToList(),
        };
    }

    /// <summary>
    /// How far each of a tenant's groups reaches: how deeply it names other groups, how many values it
    /// becomes, and whether it names itself through others. The vocabulary API refuses groups beyond
    /// <see cref="Limits.GroupDepth"/> and <see cref="Limits.ExpandedValues"/>.
    /// </summary>
    public static IReadOnlyList<GroupReach> Measure(IReadOnlyCollection<TermGroup> tenantGroups)
    {
        ArgumentNullException.ThrowIfNull(tenantGroups);
        var expander = new Expander(tenantGroups);
        var depths = new Dictionary<string, int>(StringComparer.Ordinal);
        var inCycles = new HashSet<string>(StringComparer.Ordinal);
        return tenantGroups.Where(g => g is not null).Select(group =>
        {
            var cyclic = false;
            var depth = Depth(expander, group.Field, group.Name, [], depths, inCycles, ref cyclic);
            int values;
            try { values = expander.Text(group.Field, group.Name, []).Count; }
            catch (ExpansionTooLargeException) { values = int.MaxValue; }
            return new GroupReach(group, depth, values, cyclic);
        }).ToList();
    }

    private static int Depth(Expander expander, string? field, string? text, List<string> path,
        Dictionary<string, int> known, HashSet<string> inCycles, ref bool cyclic)
    {
        if (text is null || expander.Group(field, text) is not { } group) return 0;
        var key = $"{field}\n{group.Identity}";
        if (inCycles.Contains(key)) { cyclic = true; return 0; }
        if (known.TryGetValue(key, out var depth)) return depth;
        if (path.Contains(key))
        {
            // Everything on the path from the first visit on is part of the cycle.
            inCycles.UnionWith(path.Skip(path.IndexOf(key)));
            cyclic = true;
            return 0;
        }
        path.Add(key);
        var deepest = 0;
        foreach (var member in group.Members)
            deepest = Math.Max(deepest, Depth(expander, field, member, path, known, inCycles, ref cyclic));
        path.RemoveAt(path.Count - 1);
        if (!inCycles.Contains(key)) known[key] = deepest + 1;
        return deepest + 1;
    }

    private sealed class Expander(IReadOnlyCollection<TermGroup> tenantGroups)
    {
        /// <summary>Values produced over a whole definition before expansion gives up: far beyond any valid vocabulary.</summary>
        private const int Budget = 200_000;

        // A group's expansion, once known, is reused: groups that name groups expand in linear time.
        private readonly Dictionary<string, List<string>> done = new(StringComparer.Ordinal);
        private int produced;
        private int cuts;

        public IReadOnlyList<JsonElement>? Values(string? field, IReadOnlyList<JsonElement>? values)
        {
            if (values is null)
                return null;
            var expanded = new List<JsonElement>();
            var seen = new Seen();
            foreach (var value in values)
            {
                if (value.ValueKind == JsonValueKind.String)
                {
                    foreach (var text in Text(field, value.GetString()!, []))
                    {
                        if (seen.Add(text))
                            expanded.Add(ToElement(text));
                    }
                }
                else if (seen.Add(value))
                {
                    expanded.Add(value);
                }
            }
            return expanded;
        }

        // A single value can only take a single replacement: a group of several members stays as written.
        public JsonElement? Value(string? field, JsonElement? value) =>
            value is { ValueKind: JsonValueKind.String } text
            && Text(field, text.GetString()!, []).Distinct(StringComparer.OrdinalIgnoreCase).ToList() is [var single]
                ? ToElement(single)
                : value;

        // A group already being expanded further up counts as a plain value, so groups that name
        // each other end rather than recurse forever (and still expand alike a second time). Each
        // group's members are kept once (first occurrence wins, as in the final list).
        public List<string> Text(string? field, string text, HashSet<string> expanding)
        {
            var group = Group(field, text);
            if (group is { } g && !expanding.Contains(g.Identity))
            {
                var key = $"{field}\n{g.Identity}";
                if (done.TryGetValue(key, out var known))
                    return known;
                expanding.Add(g.Identity);
                var cutsBefore = cuts;
                var members = new List<string>();
                var seen = new HashSet<string>(StringComparer.OrdinalIgnoreCase);
                foreach (var member in g.Members)
                {
                    foreach (var value in Text(field, member, expanding))
                    {
                        if (!seen.Add(value.Trim())) continue;
                        if (++produced > Budget) throw new ExpansionTooLargeException();
                        members.Add(value);
                    }
                }
                expanding.Remove(g.Identity);
                // An expansion that met a group further up depends on the path it was reached by.
                if (cuts == cutsBefore) done[key] = members;
                return members;
            }
            if (group is not null) cuts++;
            var concrete = field switch
            {
                FieldPaths.CompanyCountry => Taxonomy.NormalizeCountry(text),
                FieldPaths.CompanyIndustry => Taxonomy.NormalizeIndustry(text),
                _ => null,
            };
            return [concrete ?? text];
        }

        // A tenant's group comes before a built-in region of the same name: the tenant said what it means.
        public (string Identity, IReadOnlyList<string> Members)? Group(string? field, string name)
        {
            if (field is null)
                return null;
            var trimmed = name.Trim();
            var own = tenantGroups.FirstOrDefault(g => g is not null && string.Equals(g.Field, field, StringComparison.Ordinal)
                && string.Equals(g.Name?.Trim(), trimmed, StringComparison.OrdinalIgnoreCase));
            if (own is not null)
                return ($"tenant:{trimmed.ToUpperInvariant()}", [.. (own.Members ?? []).Where(m => m is not null)]);
            if (field == FieldPaths.CompanyCountry && Taxonomy.FindRegion(trimmed) is { } region)
                return ($"region:{region.Name}", region.Members);
            return null;
        }
    }

    /// <summary>Which values a list already holds: text trimmed and case-insensitive, numbers by value.</summary>
    private sealed class Seen
    {
        private readonly HashSet<string> texts = new(StringComparer.OrdinalIgnoreCase);
        private readonly HashSet<decimal> numbers = [];
        private readonly HashSet<string> others = new(StringComparer.Ordinal);

        public bool Add(string text) => texts.Add(text.Trim());

        public bool Add(JsonElement value) => value.ValueKind switch
        {
            JsonValueKind.String => Add(value.GetString()!),
            JsonValueKind.Number when value.TryGetDecimal(out var number) => numbers.Add(number),
            _ => others.Add($"{value.ValueKind}:{value.GetRawText()}"),
        };
    }

    private static JsonElement ToElement(string text) => JsonSerializer.SerializeToElement(text, ModelJson.Options);
}

/// <summary>How far one tenant group reaches; see <see cref="DefinitionExpansion.Measure"/>.</summary>
public sealed record GroupReach(TermGroup Group, int Depth, int Values, bool Cyclic);

/// <summary>A vocabulary whose groups expand beyond any sensible size (only data stored before limits existed can).</summary>
public sealed class ExpansionTooLargeException()
    : InvalidOperationException("The tenant's groups expand to too many values; shrink the vocabulary.");
