namespace GrowthKit.Model;

/// <summary>
/// An ideal customer profile. Every member is nullable so that a missing one is reported by
/// <see cref="IcpDefinitionShapeValidator"/> under its JSON name, not as a serializer exception.
/// Records holding lists compare by reference: compare definitions with <see cref="CanonicalJson.AreEqual{T}"/>.
/// </summary>
public sealed record IcpDefinition(
    string? Name,
    string? Description,
    IReadOnlyList<Criterion>? Criteria,
    IReadOnlyList<Disqualifier>? Disqualifiers,
    IReadOnlyList<Persona>? Personas,
    Tiers? Tiers);
