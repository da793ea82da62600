using FluentValidation;

namespace GrowthKit.Model;

internal sealed class DisqualifierShapeValidator : AbstractValidator<Disqualifier>
{
    public DisqualifierShapeValidator()
    {
        Include(new ConditionShapeValidator());
        RuleFor(d => d.Reason).NotEmpty().JsonName("reason");
    }
}
