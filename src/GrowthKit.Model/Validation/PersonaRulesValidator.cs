using FluentValidation;

namespace GrowthKit.Model;

internal sealed class PersonaRulesValidator : AbstractValidator<Persona>
{
    public PersonaRulesValidator()
    {
        RuleFor(p => p.Role).BoundedText(Limits.NameLength).JsonName("role");
        RuleFor(p => p.Seniority).MaxItems(Limits.PersonaListItems).JsonName("seniority");
        RuleForEach(p => p.Seniority).BoundedText(Limits.NameLength).JsonName("seniority");
        RuleFor(p => p.Department).MaxItems(Limits.PersonaListItems).JsonName("department");
        RuleForEach(p => p.Department).BoundedText(Limits.NameLength).JsonName("department");
    }
}
