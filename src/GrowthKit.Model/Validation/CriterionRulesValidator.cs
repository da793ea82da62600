using FluentValidation;

namespace GrowthKit.Model;

internal sealed class CriterionRulesValidator : AbstractValidator<Criterion>
{
    public CriterionRulesValidator()
    {
        Include(new ConditionRulesValidator());
        // A zero weight neither adds to the score nor to P + N: the criterion would only clutter the breakdown.
        RuleFor(c => c.Weight).WithinMagnitude(Limits.MaxWeight).JsonName("weight");
        RuleFor(c => c.Weight).NotEqual(0m)
            .WithMessage("'weight' must not be 0; remove the criterion instead.")
            .JsonName("weight");
    }
}
