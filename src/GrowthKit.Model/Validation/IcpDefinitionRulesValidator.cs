using FluentValidation;

namespace GrowthKit.Model;

/// <summary>
/// The rules a well-formed definition must keep: a broken one is a 422. Expects input that passed
/// <see cref="IcpDefinitionShapeValidator"/>; <see cref="IcpDefinitionValidation"/> runs the two in order.
/// </summary>
public sealed class IcpDefinitionRulesValidator : AbstractValidator<IcpDefinition>
{
    public IcpDefinitionRulesValidator()
    {
        RuleFor(d => d.Name).BoundedText(Limits.NameLength).JsonName("name");
        RuleFor(d => d.Description).BoundedText(Limits.DescriptionLength).JsonName("description");
        RuleFor(d => d.Criteria).MaxItems(Limits.CriteriaPerIcp).JsonName("criteria");
        RuleFor(d => d.Disqualifiers).MaxItems(Limits.DisqualifiersPerIcp).JsonName("disqualifiers");
        RuleFor(d => d.Personas).MaxItems(Limits.PersonasPerIcp).JsonName("personas");

        RuleForEach(d => d.Criteria).SetValidator(new CriterionRulesValidator()).JsonName("criteria");
        RuleForEach(d => d.Disqualifiers).SetValidator(new DisqualifierRulesValidator()).JsonName("disqualifiers");
        RuleForEach(d => d.Personas).SetValidator(new PersonaRulesValidator()).JsonName("personas");

        RuleFor(d => d.Criteria).Must(criteria => criteria is not null && criteria.Any(c => c.Weight > 0))
            .WithMessage("At least one criterion needs a positive weight.")
            .JsonName("criteria");

        RuleFor(d => d).Custom((definition, context) =>
        {
            foreach (var (path, message) in DuplicateKeys(definition))
                context.AddFailure(path, message);
            foreach (var (path, message) in DuplicateRoles(definition))
                context.AddFailure(path, message);
        });

        // Absent tiers take the defaults; FluentValidation skips a child validator for a null value.
        RuleFor(d => d.Tiers!).SetValidator(new TiersRulesValidator()).JsonName("tiers");
    }

    // A persona is addressed by its role (diff, refinement): two roles that differ only in case or
    // surrounding spaces would be one persona twice.
    private static IEnumerable<(string Path, string Message)> DuplicateRoles(IcpDefinition definition)
    {
        var firstUse = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
        var personas = definition.Personas ?? [];
        for (var i = 0; i < personas.Count; i++)
        {
            if (personas[i]?.Role?.Trim() is not { Length: > 0 } role)
                continue;
            if (firstUse.TryGetValue(role, out var earlier))
                yield return ($"personas[{i}].role", $"Role '{role}' is already used by personas[{earlier}].");
            else
                firstUse.Add(role, i);
        }
    }

    // Keys name breakdown entries and history events across both lists; they compare trimmed and
    // case-insensitively so that "Size" and "size " cannot both exist. The later one is blamed.
    private static IEnumerable<(string Path, string Message)> DuplicateKeys(IcpDefinition definition)
    {
        var conditions = (definition.Criteria ?? []).Select((c, i) => ($"criteria[{i}]", (ICondition)c))
            .Concat((definition.Disqualifiers ?? []).Select((d, i) => ($"disqualifiers[{i}]", (ICondition)d)));

        var firstUse = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (path, condition) in conditions)
        {
            if (condition?.Key?.Trim() is not { Length: > 0 } key)
                continue;
            if (firstUse.TryGetValue(key, out var earlier))
                yield return ($"{path}.key", $"Key '{key}' is already used by {earlier}.");
            else
                firstUse.Add(key, path);
        }
    }
}
