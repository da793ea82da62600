using System.Text.Json;
using FluentValidation;
using FluentValidation.Validators;

namespace GrowthKit.Model;

/// <summary>The bounds of <see cref="Limits"/> as FluentValidation rules, so every validator says them alike.</summary>
public static class BoundRules
{
    /// <summary>At most <paramref name="maxLength"/> characters, none PostgreSQL cannot store.</summary>
    public static IRuleBuilderOptions<T, string?> BoundedText<T>(this IRuleBuilder<T, string?> rule, int maxLength) =>
        rule.MaximumLength(maxLength)
            .WithMessage($"{{PropertyName}} must be at most {maxLength} characters.")
            .Must(StorableText.IsStorable).WithMessage($"{{PropertyName}} {StorableText.Message}.");

    public static IRuleBuilderOptions<T, IReadOnlyList<TItem>?> MaxItems<T, TItem>(
        this IRuleBuilder<T, IReadOnlyList<TItem>?> rule, int max) =>
        rule.SetValidator(new MaxItemsValidator<T, TItem>(max))
            .WithMessage($"{{PropertyName}} must hold at most {max} entries.");

    public static IRuleBuilderOptions<T, decimal?> WithinMagnitude<T>(this IRuleBuilder<T, decimal?> rule, decimal max) =>
        rule.SetValidator(new MagnitudeValidator<T>(max))
            .WithMessage($"{{PropertyName}} must lie between -{max:0} and {max:0}.");

    /// <summary>One of <paramref name="values"/> exactly (ordinal); the document lists them as an <c>enum</c>.</summary>
    public static IRuleBuilderOptions<T, string?> OneOf<T>(this IRuleBuilder<T, string?> rule, IReadOnlyCollection<string> values) =>
        rule.SetValidator(new OneOfValidator<T>(values));

    /// <summary>A JSON operand: text within <see cref="Limits.ValueTextLength"/> and storable, or a number within <see cref="Limits.MaxNumber"/>.</summary>
    public static bool IsBoundedOperand(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => Operand.TextOf(value) is { } text && text.Length <= Limits.ValueTextLength && StorableText.IsStorable(text),
        JsonValueKind.Number => value.TryGetDecimal(out var number) && Math.Abs(number) <= Limits.MaxNumber,
        _ => true,
    };

    public const string OperandMessage =
        "Text must be at most 500 characters (no U+0000); numbers must lie between -1e15 and 1e15.";
}

/// <summary>A list bound the OpenAPI document can read back (<c>maxItems</c>), unlike a <c>Must</c> predicate.</summary>
public interface IMaxItemsValidator
{
    int Max { get; }
}

/// <summary>A magnitude bound the OpenAPI document can read back (<c>minimum</c> −Max, <c>maximum</c> Max).</summary>
public interface IMagnitudeValidator
{
    decimal Max { get; }
}

internal sealed class MaxItemsValidator<T, TItem>(int max) : PropertyValidator<T, IReadOnlyList<TItem>?>, IMaxItemsValidator
{
    public int Max => max;
    public override string Name => "MaxItemsValidator";
    public override bool IsValid(ValidationContext<T> context, IReadOnlyList<TItem>? value) => value is null || value.Count <= max;
}

internal sealed class MagnitudeValidator<T>(decimal max) : PropertyValidator<T, decimal?>, IMagnitudeValidator
{
    public decimal Max => max;
    public override string Name => "MagnitudeValidator";
    public override bool IsValid(ValidationContext<T> context, decimal? value) => value is null || Math.Abs(value.Value) <= max;
}

/// <summary>A closed set of values the OpenAPI document can read back (<c>enum</c>).</summary>
public interface IOneOfValidator
{
    IReadOnlyCollection<string> Values { get; }
}

internal sealed class OneOfValidator<T>(IReadOnlyCollection<string> values) : PropertyValidator<T, string?>, IOneOfValidator
{
    public IReadOnlyCollection<string> Values => values;
    public override string Name => "OneOfValidator";
    public override bool IsValid(ValidationContext<T> context, string? value) => value is null || values.Contains(value);
    protected override string GetDefaultMessageTemplate(string errorCode) => $"{{PropertyName}} must be one of {string.Join(", ", values)}.";
}
