using FluentValidation;

namespace GrowthKit.Model;

/// <summary>The rules a well-formed criterion or disqualifier must keep (422 when broken).</summary>
internal sealed class ConditionRulesValidator : AbstractValidator<ICondition>
{
    public ConditionRulesValidator()
    {
        RuleFor(c => c.Key).BoundedText(Limits.KeyLength).JsonName("key");
        RuleFor(c => c.Field).BoundedText(Limits.FieldPathLength).JsonName("field");
        RuleFor(c => c.Values).MaxItems(Limits.ValuesPerCondition).JsonName("values");
        RuleForEach(c => c.Values).Must(BoundRules.IsBoundedOperand)
            .WithMessage(BoundRules.OperandMessage).JsonName("values");
        RuleFor(c => c.Min).WithinMagnitude(Limits.MaxNumber).JsonName("min");
        RuleFor(c => c.Max).WithinMagnitude(Limits.MaxNumber).JsonName("max");
        RuleFor(c => c.Value).Must(value => value is not { } v || BoundRules.IsBoundedOperand(v))
            .WithMessage(BoundRules.OperandMessage).JsonName("value");

        RuleFor(c => c.Field).Must(FieldPaths.IsKnown)
            .WithMessage(c => $"Unknown field path '{c.Field}'; use one of {string.Join(", ", FieldPaths.Known)} or attributes.<name>.")
            .JsonName("field");
        RuleFor(c => c.Operator).OneOf(Operators.All)
            .WithMessage(c => $"Unknown operator '{c.Operator}'; use one of {string.Join(", ", Operators.All)}.")
            .JsonName("operator");

        When(c => Operators.TakesValues(c.Operator), () =>
        {
            RuleFor(c => c.Values).NotEmpty()
                .WithMessage(c => $"'values' of operator '{c.Operator}' must not be empty.")
                .JsonName("values");
            RuleForEach(c => c.Values).Must(value => !Operand.IsBlankText(value))
                .WithMessage("An entry of 'values' must not be blank.")
                .JsonName("values");
        });

        RuleFor(c => c.Min).Must((c, min) => min <= c.Max)
            .When(c => Operators.TakesRange(c.Operator))
            .WithMessage("'min' must not be greater than 'max'.")
            .JsonName("min");

        RuleFor(c => c.Value).Must(Operand.IsDecimalNumber)
            .When(c => Operators.IsNumericComparison(c.Operator))
            .WithMessage(c => $"'value' of operator '{c.Operator}' must be a number.")
            .JsonName("value");
        // An empty needle would be contained in every text: a criterion that cannot discriminate.
        RuleFor(c => c.Value).Must(Operand.IsNonBlankText)
            .When(c => c.Operator == Operators.Contains)
            .WithMessage("'value' of operator 'contains' must be non-blank text.")
            .JsonName("value");
    }
}
