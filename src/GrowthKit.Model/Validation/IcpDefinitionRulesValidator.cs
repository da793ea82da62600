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
        RuleForEach(d => d.Criteria).SetValidator(new CriterionRulesValidator()).JsonName("criteria");
        RuleForEach(d => d.Disqualifiers).SetValidator(new ConditionRulesValidator()).JsonName("disqualifiers");

        RuleFor(d => d.Criteria).Must(criteria => criteria is not null && criteria.Any(c => c.Weight > 0))
            .WithMessage("At least one criterion needs a positive weight.")
            .JsonName("criteria");

        RuleFor(d => d).Custom((definition, context) =>
        {
            foreach (var (path, message) in DuplicateKeys(definition))
                context.AddFailure(path, message);
        });

        // Absent tiers take the defaults; FluentValidation skips a child validator for a null value.
        RuleFor(d => d.Tiers!).SetValidator(new TiersRulesValidator()).JsonName("tiers");
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
