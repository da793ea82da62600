using FluentValidation;

namespace GrowthKit.Gateway.Admin;

internal static class NameRules
{
    public const int MaxLength = 200;

    /// <summary>Tenant and key names: required, at most 200 characters, reported as <c>name</c>.</summary>
    public static IRuleBuilderOptions<T, string?> ValidName<T>(this IRuleBuilder<T, string?> rule) =>
        rule.NotEmpty().WithMessage("name is required.")
            .MaximumLength(MaxLength).WithMessage($"name must be at most {MaxLength} characters.")
            .Must(GrowthKit.Model.StorableText.IsStorable).WithMessage($"name {GrowthKit.Model.StorableText.Message}.")
            .OverridePropertyName("name");
}
