namespace GrowthKit.Model;

/// <summary>Runs the shape validator, then, only on well-formed input, the rules validator.</summary>
public static class IcpDefinitionValidation
{
    // FluentValidation validators are costly to build and safe to share once built.
    private static readonly IcpDefinitionShapeValidator Shape = new();
    private static readonly IcpDefinitionRulesValidator Rules = new();

    public static IcpDefinitionValidationResult Validate(IcpDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);

        var shape = Shape.Validate(definition);
        if (!shape.IsValid)
            return new IcpDefinitionValidationResult(DefinitionValidity.Malformed, shape.ToDictionary().AsReadOnly());

        var rules = Rules.Validate(definition);
        return rules.IsValid
            ? IcpDefinitionValidationResult.Valid
            : new IcpDefinitionValidationResult(DefinitionValidity.BreaksRules, rules.ToDictionary().AsReadOnly());
    }
}
