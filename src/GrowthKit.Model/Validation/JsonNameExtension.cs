using FluentValidation;

namespace GrowthKit.Model;

internal static class JsonNameExtension
{
    /// <summary>
    /// Names a rule's errors after the JSON member the consumer sent (<c>externalId</c>), where
    /// FluentValidation would use the C# member (<c>ExternalId</c>, shown as "External Id"). Set per rule
    /// rather than through the process-wide <c>ValidatorOptions.Global</c>, so the names hold whatever a
    /// host configures. Collection rules prefix the index and parents their own name: <c>criteria[2].key</c>.
    /// </summary>
    public static IRuleBuilderOptions<T, TProperty> JsonName<T, TProperty>(this IRuleBuilderOptions<T, TProperty> rule, string name) =>
        rule.OverridePropertyName(name).WithName(name);
}
