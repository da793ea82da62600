using FluentValidation;

namespace GrowthKit.Model;

/// <summary>
/// What must be present, and of the right JSON type, for a definition to be read at all: a broken
/// one is a 400. Error names are the JSON paths the consumer sent (<c>criteria[2].operator</c>).
/// </summary>
public sealed class IcpDefinitionShapeValidator : AbstractValidator<IcpDefinition>
{
    public IcpDefinitionShapeValidator()
    {
        RuleFor(d => d.Name).NotEmpty().JsonName("name");

        RuleFor(d => d.Criteria).NotNull().JsonName("criteria");
        RuleForEach(d => d.Criteria).NotNull().SetValidator(new CriterionShapeValidator()).JsonName("criteria");
        RuleForEach(d => d.Disqualifiers).NotNull().SetValidator(new DisqualifierShapeValidator()).JsonName("disqualifiers");
        RuleForEach(d => d.Personas).NotNull().SetValidator(new PersonaShapeValidator()).JsonName("personas");
    }
}
