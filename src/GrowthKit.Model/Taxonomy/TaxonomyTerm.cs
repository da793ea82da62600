namespace GrowthKit.Model;

/// <summary>A value a criterion can name (<see cref="Value"/>) and how people read it (<see cref="Label"/>).</summary>
public sealed record TaxonomyTerm(string Value, string Label);

/// <summary>A company-size band: employees from <see cref="Min"/> to <see cref="Max"/> inclusive (no upper bound when null).</summary>
public sealed record SizeBand(string Value, string Label, decimal Min, decimal? Max);

/// <summary>
/// A named group of values for one field (a region such as DACH, or a tenant's own group of pains),
/// expanded into its members when a draft is saved.
/// </summary>
public sealed record TermGroup(string Field, string Name, IReadOnlyList<string> Members);
