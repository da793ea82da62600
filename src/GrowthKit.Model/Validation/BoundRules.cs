using System.Text.Json;
using FluentValidation;

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
        rule.Must(list => list is null || list.Count <= max)
            .WithMessage($"{{PropertyName}} must hold at most {max} entries.");

    public static IRuleBuilderOptions<T, decimal?> WithinMagnitude<T>(this IRuleBuilder<T, decimal?> rule, decimal max) =>
        rule.Must(value => value is null || Math.Abs(value.Value) <= max)
            .WithMessage($"{{PropertyName}} must lie between -{max:0} and {max:0}.");

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
