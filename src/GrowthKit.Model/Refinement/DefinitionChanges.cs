using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace GrowthKit.Model;

/// <summary>
/// One change a proposal makes to a definition. <see cref="Kind"/> is <c>addCriterion</c>,
/// <c>removeCriterion</c>, <c>addValues</c>, <c>removeValues</c>, <c>changeWeight</c>,
/// <c>changeRange</c>, <c>changeCriterion</c> (field, operator or value), <c>addDisqualifier</c>,
/// <c>removeDisqualifier</c> or <c>changeTiers</c>; the other members say what changed, as far as they apply.
/// </summary>
public sealed record DefinitionChange(
    string Kind,
    string Key,
    string? Field = null,
    IReadOnlyList<JsonElement>? Values = null,
    decimal? WeightFrom = null,
    decimal? WeightTo = null,
    ValueRange? RangeFrom = null,
    ValueRange? RangeTo = null,
    Criterion? Criterion = null,
    Disqualifier? Disqualifier = null,
    Tiers? TiersFrom = null,
    Tiers? TiersTo = null);

public sealed record ValueRange(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] decimal? Min,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.Never)] decimal? Max);

public static class DefinitionChanges
{
    public const string AddCriterion = "addCriterion";
    public const string RemoveCriterion = "removeCriterion";
    public const string AddValues = "addValues";
    public const string RemoveValues = "removeValues";
    public const string ChangeWeight = "changeWeight";
    public const string ChangeRange = "changeRange";
    public const string ChangeCriterion = "changeCriterion";
    public const string AddDisqualifier = "addDisqualifier";
    public const string RemoveDisqualifier = "removeDisqualifier";
    public const string ChangeTiers = "changeTiers";

    /// <summary>The criterion changes from <paramref name="from"/> to <paramref name="to"/> (keys compared case-insensitively).</summary>
    public static IReadOnlyList<DefinitionChange> Between(IcpDefinition from, IcpDefinition to)
    {
        var before = (from.Criteria ?? []).ToDictionary(c => c.Key!, StringComparer.OrdinalIgnoreCase);
        var after = (to.Criteria ?? []).ToDictionary(c => c.Key!, StringComparer.OrdinalIgnoreCase);
        var changes = new List<DefinitionChange>();

        foreach (var old in from.Criteria ?? [])
        {
            if (!after.TryGetValue(old.Key!, out var now))
            {
                changes.Add(new DefinitionChange(RemoveCriterion, old.Key!, old.Field, WeightFrom: old.Weight));
                continue;
            }
            if (old.Field != now.Field || old.Operator != now.Operator || !SameScalar(old.Value, now.Value))
            {
                changes.Add(new DefinitionChange(ChangeCriterion, now.Key!, now.Field, WeightFrom: old.Weight,
                    WeightTo: now.Weight, Criterion: now));
                continue;
            }
            var added = Except(now.Values, old.Values);
            var removed = Except(old.Values, now.Values);
            if (added.Count > 0) changes.Add(new DefinitionChange(AddValues, now.Key!, now.Field, added));
            if (removed.Count > 0) changes.Add(new DefinitionChange(RemoveValues, now.Key!, now.Field, removed));
            if (old.Min != now.Min || old.Max != now.Max)
            {
                changes.Add(new DefinitionChange(ChangeRange, now.Key!, now.Field,
                    RangeFrom: new ValueRange(old.Min, old.Max), RangeTo: new ValueRange(now.Min, now.Max)));
            }
            if (old.Weight != now.Weight)
            {
                changes.Add(new DefinitionChange(ChangeWeight, now.Key!, now.Field, WeightFrom: old.Weight, WeightTo: now.Weight));
            }
        }

        changes.AddRange((to.Criteria ?? []).Where(c => !before.ContainsKey(c.Key!))
            .Select(c => new DefinitionChange(AddCriterion, c.Key!, c.Field, c.Values, WeightTo: c.Weight, Criterion: c)));

        var disqualifiersBefore = (from.Disqualifiers ?? []).ToDictionary(d => d.Key!, StringComparer.OrdinalIgnoreCase);
        var disqualifiersAfter = (to.Disqualifiers ?? []).ToDictionary(d => d.Key!, StringComparer.OrdinalIgnoreCase);
        changes.AddRange((from.Disqualifiers ?? []).Where(d => !disqualifiersAfter.ContainsKey(d.Key!))
            .Select(d => new DefinitionChange(RemoveDisqualifier, d.Key!, d.Field, d.Values, Disqualifier: d)));
        changes.AddRange((to.Disqualifiers ?? []).Where(d => !disqualifiersBefore.ContainsKey(d.Key!))
            .Select(d => new DefinitionChange(AddDisqualifier, d.Key!, d.Field, d.Values, Disqualifier: d)));

        var (tiersFrom, tiersTo) = (from.Tiers ?? Tiers.Default, to.Tiers ?? Tiers.Default);
        if (tiersFrom.EffectiveA != tiersTo.EffectiveA || tiersFrom.EffectiveB != tiersTo.EffectiveB || tiersFrom.EffectiveC != tiersTo.EffectiveC)
            changes.Add(new DefinitionChange(ChangeTiers, "tiers", TiersFrom: tiersFrom, TiersTo: tiersTo));
        return changes;
    }

    /// <summary>A line a person reads in the ICP's history: what changed, one change after another.</summary>
    public static string Describe(IEnumerable<DefinitionChange> changes) => string.Join("; ", changes.Select(Describe));

    public static string Describe(DefinitionChange c) => c.Kind switch
    {
        AddCriterion => $"add {c.Key} ({c.Field} {c.Criterion?.Operator} {Text(c.Criterion)}, weight {N(c.WeightTo)})",
        RemoveCriterion => $"drop {c.Key}",
        AddValues => $"{c.Key} + {Join(c.Values)}",
        RemoveValues => $"{c.Key} − {Join(c.Values)}",
        ChangeWeight => $"{c.Key} weight {N(c.WeightFrom)} → {N(c.WeightTo)}",
        AddDisqualifier => $"disqualify {c.Field} {Text(c.Disqualifier)} ({c.Key})",
        RemoveDisqualifier => $"stop disqualifying {c.Field} {Text(c.Disqualifier)} ({c.Key})",
        ChangeTiers => $"tiers A/B/C {N(c.TiersFrom?.EffectiveA)}/{N(c.TiersFrom?.EffectiveB)}/{N(c.TiersFrom?.EffectiveC)} → "
                       + $"{N(c.TiersTo?.EffectiveA)}/{N(c.TiersTo?.EffectiveB)}/{N(c.TiersTo?.EffectiveC)}",
        ChangeRange => $"{c.Key} range {N(c.RangeFrom?.Min)}–{N(c.RangeFrom?.Max)} → {N(c.RangeTo?.Min)}–{N(c.RangeTo?.Max)}",
        _ => $"{c.Key} becomes {c.Field} {c.Criterion?.Operator} {Text(c.Criterion)} (weight {N(c.WeightTo)})",
    };

    private static string Text(ICondition? c) => c switch
    {
        null => "",
        { Values: { Count: > 0 } values } => Join(values),
        { Min: not null } or { Max: not null } => $"{N(c.Min)}–{N(c.Max)}",
        { Value: { } value } => value.ToString(),
        _ => "",
    };

    private static string Join(IReadOnlyList<JsonElement>? values) => string.Join(", ", (values ?? []).Select(v => v.ToString()));

    private static string N(decimal? d) => d?.ToString("0.##", CultureInfo.InvariantCulture) ?? "…";

    private static List<JsonElement> Except(IReadOnlyList<JsonElement>? a, IReadOnlyList<JsonElement>? b)
    {
        var other = new HashSet<string>((b ?? []).Select(Key), StringComparer.OrdinalIgnoreCase);
        return (a ?? []).Where(v => !other.Contains(Key(v))).ToList();
    }

    internal static string Key(JsonElement v) => v.ValueKind == JsonValueKind.String ? v.GetString()!.Trim() : v.GetRawText();

    private static bool SameScalar(JsonElement? a, JsonElement? b) =>
        (a, b) switch
        {
            (null, null) => true,
            ({ } x, { } y) => x.GetRawText() == y.GetRawText(),
            _ => false,
        };
}
