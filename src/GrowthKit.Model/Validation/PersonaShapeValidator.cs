using FluentValidation;

namespace GrowthKit.Model;

internal sealed class PersonaShapeValidator : AbstractValidator<Persona>
{
    public PersonaShapeValidator()
    {
        RuleFor(p => p.Role).NotEmpty().JsonName("role");
    }
}
