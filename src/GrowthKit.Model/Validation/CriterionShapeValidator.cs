using FluentValidation;

namespace GrowthKit.Model;

internal sealed class CriterionShapeValidator : AbstractValidator<Criterion>
{
    public CriterionShapeValidator()
    {
        Include(new ConditionShapeValidator());
        RuleFor(c => c.Weight).NotNull().JsonName("weight");
    }
}
