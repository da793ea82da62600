using FluentValidation;

namespace GrowthKit.Model;

/// <summary>Presence and JSON types of what criteria and disqualifiers share (400 when broken).</summary>
internal sealed class ConditionShapeValidator : AbstractValidator<ICondition>
{
    public ConditionShapeValidator()
    {
        RuleFor(c => c.Key).NotEmpty().JsonName("key");
        RuleFor(c => c.Field).NotEmpty().JsonName("field");
        RuleFor(c => c.Operator).NotEmpty().JsonName("operator");

        RuleFor(c => c.Values).NotNull()
            .When(c => Operators.TakesValues(c.Operator))
            .WithMessage(c => $"'values' is required by operator '{c.Operator}'.")
            .JsonName("values");
        RuleForEach(c => c.Values).Must(Operand.IsTextOrNumber)
            .WithMessage("Each entry of 'values' must be a string or a number.")
            .JsonName("values");

        RuleFor(c => c.Min).NotNull()
            .When(c => Operators.TakesRange(c.Operator))
            .WithMessage(c => $"'min' is required by operator '{c.Operator}'.")
            .JsonName("min");
        RuleFor(c => c.Max).NotNull()
            .When(c => Operators.TakesRange(c.Operator))
            .WithMessage(c => $"'max' is required by operator '{c.Operator}'.")
            .JsonName("max");

        RuleFor(c => c.Value).Must(value => !Operand.IsMissing(value))
            .When(c => Operators.TakesValue(c.Operator))
            .WithMessage(c => $"'value' is required by operator '{c.Operator}'.")
            .JsonName("value");
        RuleFor(c => c.Value).Must(value => Operand.IsTextOrNumber(value!.Value))
            .When(c => !Operand.IsMissing(c.Value))
            .WithMessage("'value' must be a string or a number.")
            .JsonName("value");
    }
}
