using FluentValidation;

namespace GrowthKit.Model;

internal sealed class DisqualifierRulesValidator : AbstractValidator<Disqualifier>
{
    public DisqualifierRulesValidator()
    {
        Include(new ConditionRulesValidator());
        RuleFor(d => d.Reason).BoundedText(Limits.ReasonLength).JsonName("reason");
    }
}
